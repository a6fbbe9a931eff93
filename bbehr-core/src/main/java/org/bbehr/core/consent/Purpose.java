package org.bbehr.core.consent;

import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** Why a grantee may access records, with the code stored on chain. */
public enum Purpose {
    TREATMENT(0),
    PAYMENT(1),
    OPERATIONS(2),
    RESEARCH(3),
    EMERGENCY(4),
    /** A code this node does not know (the contract accepts any uint8); never used when granting. */
    OTHER(-1);

    private final int code;

    Purpose(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Throws unless the purpose can be written to the chain. */
    public static void requireGrantable(Purpose purpose) {
        if (purpose == null || purpose == OTHER) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "a grant needs a known purpose, got " + purpose);
        }
    }

    public static Purpose fromCode(int code) {
        for (Purpose purpose : values()) {
            if (purpose.code == code) {
                return purpose;
            }
        }
        return OTHER;
    }
}
