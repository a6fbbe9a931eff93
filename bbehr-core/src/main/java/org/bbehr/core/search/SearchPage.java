package org.bbehr.core.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.record.ResourceKey;

/**
 * Some of a query's matches, in its order, and the position of the last one: a next page starts after it (keyset
 * paging), so it needs neither an offset nor the earlier matches.
 */
public record SearchPage(List<ResourceKey> keys, Optional<Position> last) {

    public SearchPage {
        keys = List.copyOf(keys);
        if (keys.isEmpty() != last.isEmpty()) {
            throw new IllegalArgumentException("a page has a last position exactly when it has keys");
        }
    }

    /**
     * Where a resource stands in a query's order: its value of each sort key (an {@link java.time.Instant} for
     * {@code _lastUpdated} and dates, a {@link String} for ids and strings; null when it has none) and its id.
     */
    public record Position(List<Object> sortValues, String id) {

        public Position {
            sortValues = Collections.unmodifiableList(new ArrayList<>(sortValues));
            if (id == null) {
                throw new IllegalArgumentException("a position needs an id");
            }
        }
    }
}
