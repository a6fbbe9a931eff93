package org.bbehr.core.consent;

import java.math.BigInteger;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;

/**
 * Who a patient grants access to: a practitioner's address or a whole hospital. On chain both are one uint256:
 * {@code uint160(practitioner)} or {@code (1 << 160) | hospitalId}.
 */
public sealed interface Grantee {

    BigInteger HOSPITAL_FLAG = BigInteger.ONE.shiftLeft(160);

    BigInteger key();

    record Practitioner(Address address) implements Grantee {
        @Override
        public BigInteger key() {
            return new BigInteger(address.value().substring(2), 16);
        }
    }

    record Hospital(int hospitalId) implements Grantee {
        public Hospital {
            if (hospitalId <= 0) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "hospital ids start at 1, got " + hospitalId);
            }
        }

        @Override
        public BigInteger key() {
            return HOSPITAL_FLAG.or(BigInteger.valueOf(Integer.toUnsignedLong(hospitalId)));
        }
    }

    static Grantee practitioner(Address address) {
        return new Practitioner(address);
    }

    static Grantee hospital(int hospitalId) {
        return new Hospital(hospitalId);
    }

    /** Decodes the on-chain key. */
    static Grantee fromKey(BigInteger key) {
        if (key.signum() > 0 && key.compareTo(HOSPITAL_FLAG) < 0) {
            return new Practitioner(Address.of(String.format("%040x", key)));
        }
        BigInteger id = key.subtract(HOSPITAL_FLAG);
        if (id.signum() > 0 && id.bitLength() <= 32) {
            return new Hospital(id.intValue());
        }
        throw new BbehrException(ErrorCode.INVALID_INPUT, "not a grantee key: " + key.toString(16));
    }
}
