package org.bbehr.app.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The range of instants a FHIR date, dateTime or instant stands for, from its precision: {@code 2024} is the whole
 * year, {@code 2024-03-01T10:00} the whole minute. Values without a time zone are taken in UTC.
 */
public final class DateRanges {

    /** A range, {@code low} inclusive, {@code high} exclusive; {@code precision} as written (year, month, day, time). */
    public record Range(Instant low, Instant high, Precision precision) {}

    public enum Precision { YEAR, MONTH, DAY, TIME }

    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

    private DateRanges() {}

    /**
     * @throws IllegalArgumentException when {@code value} is not a FHIR date, dateTime or instant
     */
    public static Range parse(String value) {
        Matcher m = DATE.matcher(value == null ? "" : value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a FHIR date: '" + value + "'");
        }
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(2) == null) {
                Instant low = LocalDate.of(year, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
                return new Range(low, LocalDate.of(year + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC),
                        Precision.YEAR);
            }
            int month = Integer.parseInt(m.group(2));
            if (m.group(3) == null) {
                LocalDate first = LocalDate.of(year, month, 1);
                return new Range(utc(first), utc(first.plusMonths(1)), Precision.MONTH);
            }
            LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return new Range(utc(day), utc(day.plusDays(1)), Precision.DAY);
            }
            return time(m, day);
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException("not a FHIR date: '" + value + "'");
        }
    }

    private static Range time(Matcher m, LocalDate day) {
        ZoneOffset offset = m.group(8) == null || m.group(8).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
        LocalDateTime local = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        ChronoUnit unit = ChronoUnit.MINUTES;
        if (m.group(6) != null) {
            local = local.withSecond(Integer.parseInt(m.group(6)));
            unit = ChronoUnit.SECONDS;
        }
        long step = 1;
        if (m.group(7) != null) {
            String fraction = m.group(7).substring(1);
            local = local.withNano(Integer.parseInt((fraction + "000000000").substring(0, 9)));
            unit = ChronoUnit.NANOS;
            step = (long) Math.pow(10, 9 - fraction.length());
        }
        Instant low = OffsetDateTime.of(local, offset).toInstant();
        return new Range(low, low.plus(step, unit), Precision.TIME);
    }

    private static Instant utc(LocalDate date) {
        return date.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** Whether {@code value} parses; for callers that only check. */
    static boolean isValid(String value) {
        try {
            parse(value);
            return true;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return false;
        }
    }
}
