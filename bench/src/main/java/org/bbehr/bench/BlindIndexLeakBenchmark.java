package org.bbehr.bench;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bbehr.app.search.SearchIndexer;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.record.IndexValue;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;

/**
 * A frequency attack on the blind index, as someone who reads the database's index tables (not the keys) would run
 * it: each patient's family-name tokens and birth-date tokens are linked by the resource's id, so the attacker counts
 * how many patients share each token and matches the counts with public frequencies (of surnames, of birth years).
 *
 * <p>The population: {@code bench.patients} (default 10,000) synthetic patients, surnames drawn from 2,000 made-up
 * surnames with Zipf frequencies (as real surnames are distributed), birth dates from an age pyramid. The attacker
 * knows those distributions exactly (a strong attacker: public statistics are close to a hospital's catchment).
 * Per patient it takes the family token shared by the fewest patients as the surname's own token and the number of
 * tokens as its length, groups patients by it, and assigns surnames of that length by rank of frequency; for birth
 * dates it tells the year token (the most shared one) and ranks years the same way, and guesses month and day.
 * Recovered: the share of patients whose surname (or birth year, or full birth date) the attacker names correctly.
 * It uses no other structure (shared prefixes between surnames), so it is a lower bound of what leaks.
 *
 * <p>Three layouts: the release before this one (prefixes from 2 letters, year, month and day tokens: modelled, each
 * token stood for by its input, as a keyed HMAC keeps exactly which inputs are equal), this release (the node's own
 * {@link SearchIndexer} with a real HMAC key), and, for reference, full words only (no prefixes: what dropping
 * prefix search would give).
 */
public final class BlindIndexLeakBenchmark {

    static final int PATIENTS = Integer.getInteger("bench.patients", 10_000);
    static final int SURNAMES = 2_000;
    static final String HEADING = "## What the blind index leaks: a frequency attack";

    record Person(String surname, LocalDate birthDate) {}

    record Result(String layout, double surnames, double years, double birthDates) {}

    public static void main(String[] args) {
        Random random = new Random(20261208L);
        List<String> surnames = surnames(random);
        double[] weights = zipf(SURNAMES);
        Map<Integer, Double> years = agePyramid();
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            people.add(new Person(surnames.get(sample(random, weights)), birthDate(random, years)));
        }
        Map<String, Double> surnameShare = new HashMap<>();
        for (int i = 0; i < SURNAMES; i++) {
            surnameShare.merge(surnames.get(i), weights[i], Double::sum);
        }
        List<Result> results = new ArrayList<>();
        results.add(attack("the release before (prefixes from 2 letters; year, month and day tokens)", people,
                2, p -> prefixTokens(p.surname(), 2), p -> dateTokens(p.birthDate(), true), surnameShare, years));
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        SearchIndexer indexer = new SearchIndexer(FhirContext.forR4Cached(), new HmacBlindIndex(key));
        results.add(attack("this release (the node's own indexer: prefixes from 3 letters; year and day tokens)",
                people, 3, p -> blind(indexer, p, "family"), p -> blind(indexer, p, "birthdate"), surnameShare, years));
        results.add(attack("for reference: full words only, no prefix search", people, 0,
                p -> Set.of(p.surname().toLowerCase(java.util.Locale.ROOT)), p -> dateTokens(p.birthDate(), false),
                surnameShare, years));
        String section = section(results);
        System.out.println(section);
        if (args.length > 0) {
            BenchmarksFile.writeSection(Path.of(args[0]), HEADING, section);
            System.out.println("written to " + args[0]);
        }
    }

    /** The node's blind tokens of a patient's parameter, as it stores them. */
    private static Set<String> blind(SearchIndexer indexer, Person person, String param) {
        Patient patient = new Patient();
        patient.addName().setFamily(person.surname()).addGiven("Synthetic");
        patient.setBirthDateElement(new DateType(person.birthDate().toString()));
        Set<String> tokens = new LinkedHashSet<>();
        for (IndexValue value : indexer.extract(patient, param)) {
            if (value instanceof IndexValue.Blind blind) {
                tokens.add(blind.token());
            }
        }
        return tokens;
    }

    private static Set<String> prefixTokens(String surname, int from) {
        String word = surname.toLowerCase(java.util.Locale.ROOT);
        Set<String> tokens = new LinkedHashSet<>();
        for (int end = Math.min(from, word.length()); end <= Math.min(word.length(), 32); end++) {
            tokens.add(word.substring(0, end));
        }
        return tokens;
    }

    private static Set<String> dateTokens(LocalDate date, boolean month) {
        String text = date.toString();
        return month ? Set.of(text.substring(0, 4), text.substring(0, 7), text)
                : Set.of(text.substring(0, 4), text);
    }

    /** @param prefixFrom the shortest name prefix tokenized (the token count then gives the length); 0: none */
    private static Result attack(String layout, List<Person> people, int prefixFrom,
            Function<Person, Set<String>> familyTokens,
            Function<Person, Set<String>> dateTokens, Map<String, Double> surnameShare, Map<Integer, Double> years) {
        List<Set<String>> family = people.stream().map(familyTokens).toList();
        List<Set<String>> dates = people.stream().map(dateTokens).toList();
        // surnames: the least shared token of each patient names its group; the token count gives the length
        Map<String, Long> shared = count(family);
        Map<String, List<Integer>> groups = new HashMap<>();
        Map<String, Integer> lengthOf = new HashMap<>();
        for (int i = 0; i < people.size(); i++) {
            Set<String> tokens = family.get(i);
            String own = tokens.stream().min(Comparator.comparingLong((String t) -> shared.get(t))
                    .thenComparing(Comparator.naturalOrder())).orElseThrow();
            groups.computeIfAbsent(own, k -> new ArrayList<>()).add(i);
            lengthOf.put(own, prefixFrom == 0 ? -1 : tokens.size() + prefixFrom - 1);
        }
        Map<Integer, List<String>> candidatesByLength = new HashMap<>();
        surnameShare.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> candidatesByLength.computeIfAbsent(prefixFrom == 0 ? -1 : e.getKey().length(),
                        k -> new ArrayList<>()).add(e.getKey()));
        Map<Integer, List<String>> groupsByLength = new HashMap<>();
        groups.keySet().stream().sorted(Comparator.comparingInt((String g) -> -groups.get(g).size())
                .thenComparing(Comparator.naturalOrder()))
                .forEach(g -> groupsByLength.computeIfAbsent(lengthOf.get(g), k -> new ArrayList<>()).add(g));
        int surnamesRight = 0;
        for (Map.Entry<Integer, List<String>> byLength : groupsByLength.entrySet()) {
            List<String> candidates = candidatesByLength.getOrDefault(byLength.getKey(), List.of());
            for (int rank = 0; rank < byLength.getValue().size() && rank < candidates.size(); rank++) {
                for (int patient : groups.get(byLength.getValue().get(rank))) {
                    if (people.get(patient).surname().equals(candidates.get(rank))) {
                        surnamesRight++;
                    }
                }
            }
        }
        // birth years: the most shared date token of each patient is its year; years ranked by frequency
        Map<String, Long> dateShared = count(dates);
        Map<String, List<Integer>> yearGroups = new HashMap<>();
        for (int i = 0; i < people.size(); i++) {
            String year = dates.get(i).stream().max(Comparator.comparingLong((String t) -> dateShared.get(t))
                    .thenComparing(Comparator.naturalOrder())).orElseThrow();
            yearGroups.computeIfAbsent(year, k -> new ArrayList<>()).add(i);
        }
        List<Integer> yearRanking = years.entrySet().stream()
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed()).map(Map.Entry::getKey).toList();
        List<String> tokenRanking = yearGroups.keySet().stream().sorted(Comparator.comparingInt((String y) ->
                -yearGroups.get(y).size()).thenComparing(Comparator.naturalOrder())).toList();
        int yearsRight = 0;
        int datesRight = 0;
        Random guess = new Random(7);
        for (int rank = 0; rank < tokenRanking.size() && rank < yearRanking.size(); rank++) {
            int year = yearRanking.get(rank);
            for (int patient : yearGroups.get(tokenRanking.get(rank))) {
                LocalDate truth = people.get(patient).birthDate();
                if (truth.getYear() == year) {
                    yearsRight++;
                    // month and day: nothing ranks them (uniform), so a guess
                    LocalDate guessed = LocalDate.of(year, 1, 1).plusDays(guess.nextInt(365));
                    if (guessed.equals(truth)) {
                        datesRight++;
                    }
                }
            }
        }
        return new Result(layout, surnamesRight / (double) people.size(), yearsRight / (double) people.size(),
                datesRight / (double) people.size());
    }

    private static Map<String, Long> count(List<Set<String>> tokenSets) {
        return tokenSets.stream().flatMap(Set::stream)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** 2,000 made-up surnames of 3 to 10 letters, from syllables: synthetic, no real person's. */
    private static List<String> surnames(Random random) {
        String[] onsets = {"b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "st",
            "t", "th", "v", "w", "z"};
        String[] vowels = {"a", "e", "i", "o", "u", "ai", "ei", "ou"};
        String[] codas = {"", "n", "r", "s", "l", "m", "rd", "nd", "x", "t"};
        Set<String> made = new LinkedHashSet<>();
        while (made.size() < SURNAMES) {
            StringBuilder name = new StringBuilder();
            int syllables = 1 + random.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                name.append(onsets[random.nextInt(onsets.length)]).append(vowels[random.nextInt(vowels.length)])
                        .append(codas[random.nextInt(codas.length)]);
            }
            if (name.length() >= 3 && name.length() <= 10) {
                made.add(Character.toUpperCase(name.charAt(0)) + name.substring(1));
            }
        }
        return new ArrayList<>(made);
    }

    private static double[] zipf(int n) {
        double[] weights = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = 1.0 / (i + 1);
            sum += weights[i];
        }
        for (int i = 0; i < n; i++) {
            weights[i] /= sum;
        }
        return weights;
    }

    /** Birth years 1925–2024, more of the middle-aged and old (a hospital's patients), as shares. */
    private static Map<Integer, Double> agePyramid() {
        Map<Integer, Double> years = new HashMap<>();
        double sum = 0;
        for (int year = 1925; year <= 2024; year++) {
            double weight = Math.exp(-Math.pow((year - 1958) / 22.0, 2)) + 0.15;
            years.put(year, weight);
            sum += weight;
        }
        double total = sum;
        years.replaceAll((year, weight) -> weight / total);
        return years;
    }

    private static LocalDate birthDate(Random random, Map<Integer, Double> years) {
        double target = random.nextDouble();
        double cumulative = 0;
        int chosen = 2024;
        for (int year = 1925; year <= 2024; year++) {
            cumulative += years.get(year);
            if (target <= cumulative) {
                chosen = year;
                break;
            }
        }
        return LocalDate.of(chosen, 1, 1).plusDays(random.nextInt(365));
    }

    private static int sample(Random random, double[] weights) {
        double target = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (target <= cumulative) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static String section(List<Result> results) {
        StringBuilder out = new StringBuilder(HEADING).append("\n\n");
        out.append("- Date: ").append(LocalDate.now()).append("\n");
        out.append("- Command: `./mvnw -q -pl bench -am -Pleak-bench -DskipTests verify` (main class"
                + " `org.bbehr.bench.BlindIndexLeakBenchmark`)\n");
        out.append("- Population: ").append(String.format("%,d", PATIENTS)).append(" synthetic patients; surnames from ")
                .append(String.format("%,d", SURNAMES)).append(" made-up surnames with Zipf frequencies; birth years"
                        + " 1925–2024 from an age pyramid, month and day uniform. The attacker reads the index tables"
                        + " (tokens linked by resource id) and knows both distributions.\n\n");
        out.append("| Layout | Surnames recovered | Birth years recovered | Full birth dates recovered |\n");
        out.append("|---|--:|--:|--:|\n");
        for (Result result : results) {
            out.append(String.format("| %s | %.1f%% | %.1f%% | %.2f%% |%n", result.layout(), 100 * result.surnames(),
                    100 * result.years(), 100 * result.birthDates()));
        }
        return out.toString();
    }
}
