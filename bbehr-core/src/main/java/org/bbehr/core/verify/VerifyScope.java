package org.bbehr.core.verify;

import java.util.List;
import org.bbehr.core.record.ResourceKey;

/** Which versions to verify: every version in the store, or every version of some resources. */
public sealed interface VerifyScope {

    record Everything() implements VerifyScope {}

    record Resources(List<ResourceKey> keys) implements VerifyScope {
        public Resources {
            keys = List.copyOf(keys);
        }
    }

    static VerifyScope everything() {
        return new Everything();
    }

    static VerifyScope of(List<ResourceKey> keys) {
        return new Resources(keys);
    }
}
