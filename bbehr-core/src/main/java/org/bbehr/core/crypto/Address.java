package org.bbehr.core.crypto;

import java.util.regex.Pattern;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** An Ethereum address, kept as lower-case hex with the 0x prefix. */
public record Address(String value) {

    private static final Pattern FORMAT = Pattern.compile("0x[0-9a-f]{40}");
    public static final Address ZERO = new Address("0x0000000000000000000000000000000000000000");

    public Address {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not an Ethereum address: " + value);
        }
    }

    public static Address of(String hex) {
        String lower = hex == null ? null : hex.trim().toLowerCase();
        return new Address(lower != null && !lower.startsWith("0x") ? "0x" + lower : lower);
    }

    @Override
    public String toString() {
        return value;
    }
}
