package org.bbehr.core.crypto;

import java.util.HexFormat;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** Hex strings with or without a {@code 0x} prefix. */
public final class Hex {

    private static final HexFormat HEX = HexFormat.of();

    private Hex() {}

    public static byte[] decode(String hex) {
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        try {
            return HEX.parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not a hex string: " + abbreviate(hex));
        }
    }

    public static String encode(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }

    private static String abbreviate(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "…";
    }
}
