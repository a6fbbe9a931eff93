package org.bbehr.app.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bbehr.app.importer.BundleSender.Answer;
import org.bbehr.app.importer.ImportSummary.Outcome;

/**
 * A refused Bundle sent again one entry at a time, each as a transaction of one, so that the server names the reason
 * for each entry it refuses and loads the others. Entries refer to each other by their {@code fullUrl} (e.g.
 * {@code urn:uuid:…}): an entry is sent once every entry it refers to is loaded, with those references rewritten to
 * the ids the server gave them; an entry that refers to a refused one is refused too, saying which.
 */
final class EntryByEntry {

    private final BundleSender sender;
    private final BundleFile bundle;
    /** fullUrl (and Type/id of entries that PUT one) → entry index. */
    private final Map<String, Integer> byKey = new HashMap<>();
    /** fullUrl → the server's Type/id, for entries loaded. */
    private final Map<String, String> loaded = new HashMap<>();
    private final Set<Integer> done = new HashSet<>();
    private final Set<Integer> refused = new HashSet<>();

    EntryByEntry(BundleSender sender, ImportSummary summary, BundleFile bundle) {
        this.sender = sender;
        this.bundle = bundle;
        for (int i = 0; i < bundle.entries.size(); i++) {
            ObjectNode entry = bundle.entries.get(i);
            Optional.ofNullable(BundleFile.fullUrlOf(entry)).ifPresent(key(i));
            if ("PUT".equals(entry.path("request").path("method").asText())) {
                String url = entry.path("request").path("url").asText("");
                if (url.matches("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}")) {
                    key(i).accept(url);
                }
            }
        }
    }

    private java.util.function.Consumer<String> key(int index) {
        return key -> byKey.putIfAbsent(key, index);
    }

    void run() {
        boolean progress = true;
        while (progress && done.size() < bundle.entries.size()) {
            progress = false;
            for (int i = 0; i < bundle.entries.size(); i++) {
                if (!done.contains(i) && tryEntry(i)) {
                    progress = true;
                }
            }
        }
        for (int i = 0; i < bundle.entries.size(); i++) {
            if (!done.contains(i)) {
                finish(i, rejected(i, "refers, through a cycle of references, to entries that can only be "
                        + "loaded together with it; it is loaded when the whole Bundle is accepted"));
            }
        }
    }

    /** Sends entry {@code i} if all it refers to is settled; true if the entry is now settled. */
    private boolean tryEntry(int i) {
        ObjectNode entry = bundle.entries.get(i);
        Set<Integer> needs = dependencies(i);
        for (int needed : needs) {
            if (refused.contains(needed)) {
                String what = Optional.ofNullable(BundleFile.fullUrlOf(bundle.entries.get(needed)))
                        .orElse("entry " + (needed + 1));
                finish(i, rejected(i, "refers to " + what + ", an entry of this Bundle that was rejected"));
                return true;
            }
            if (!done.contains(needed)) {
                return false;
            }
        }
        ObjectNode copy = entry.deepCopy();
        rewrite(copy.path("resource"));
        finish(i, sender.sendAlone(copy));
        return true;
    }

    private void finish(int i, Answer answer) {
        done.add(i);
        if (answer.outcome() == Outcome.REJECTED) {
            refused.add(i);
        } else {
            String fullUrl = BundleFile.fullUrlOf(bundle.entries.get(i));
            String reference = BundleSender.serverReference(answer.location());
            if (fullUrl != null && reference != null) {
                loaded.put(fullUrl, reference);
            }
        }
        sender.account(bundle, i, answer);
    }

    private Answer rejected(int i, String reason) {
        return new Answer(Outcome.REJECTED, BundleFile.typeOf(bundle.entries.get(i)), null, reason);
    }

    /** The other entries that entry {@code i}'s resource refers to. */
    private Set<Integer> dependencies(int i) {
        Set<Integer> needs = new LinkedHashSet<>();
        for (String reference : references(bundle.entries.get(i).path("resource"))) {
            Integer target = byKey.get(reference);
            if (target != null && target != i) {
                needs.add(target);
            }
        }
        return needs;
    }

    private static List<String> references(JsonNode resource) {
        List<String> references = new ArrayList<>();
        collect(resource, references);
        return references;
    }

    private static void collect(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("reference") && field.getValue().isTextual()) {
                    into.add(field.getValue().asText());
                } else {
                    collect(field.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, into));
        }
    }

    /** Replaces references to loaded entries' fullUrls by the ids the server gave them. */
    private void rewrite(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode reference = object.get("reference");
            if (reference != null && reference.isTextual() && loaded.containsKey(reference.asText())) {
                object.put("reference", loaded.get(reference.asText()));
            }
            object.properties().forEach(field -> rewrite(field.getValue()));
        } else if (node != null && node.isArray()) {
            node.forEach(this::rewrite);
        }
    }
}
