package org.bbehr.app.search;

import java.math.BigDecimal;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;

/** Number and quantity search values: {@code [prefix]number[|system|code]}, with the number's implicit precision. */
final class NumberValues {

    private NumberValues() {}

    static Criterion parse(String name, String item) {
        Comparison comparison = Comparison.prefixOf(item);
        String[] parts = item.substring(comparison.length(item)).split("\\|", -1);
        if (parts.length != 1 && parts.length != 3) {
            throw SearchValues.invalid(name, "takes [prefix]number or [prefix]number|system|code");
        }
        BigDecimal value = SearchValues.decimal(name, parts[0]);
        BigDecimal half = BigDecimal.ONE.movePointLeft(Math.max(value.scale(), 0)).divide(BigDecimal.valueOf(2));
        String system = parts.length == 3 && !parts[1].isEmpty() ? parts[1] : null;
        String code = parts.length == 3 && !parts[2].isEmpty() ? parts[2] : null;
        return new Criterion.NumberIn(name, comparison, value, value.subtract(half), value.add(half), system, code);
    }
}
