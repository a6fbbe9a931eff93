package org.bbehr.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every error code of BbEHR, in one place. Codes are stable: never reuse or renumber one. Contract errors carry the
 * Solidity custom error's name, so a revert decodes into the same code on every node.
 */
public enum ErrorCode {
    // 1xxx: input
    INVALID_INPUT("EHR-1000", null),
    SEARCH_INVALID_VALUE("EHR-1001", null),
    SEARCH_UNSUPPORTED("EHR-1002", null),
    SEARCH_PROTECTED_FIELD("EHR-1003", null),

    // 2xxx: ledger and contracts
    LEDGER_UNAVAILABLE("EHR-2000", null),
    LEDGER_REVERTED("EHR-2001", null),
    LEDGER_TIMEOUT("EHR-2002", null),
    LEDGER_NONCE_CONFLICT("EHR-2003", null),
    LEDGER_REJECTED("EHR-2004", null),
    LEDGER_PANIC("EHR-2005", "Panic"),
    LEDGER_REVERT_REASON("EHR-2006", "Error"),
    DEPLOYMENT_INVALID("EHR-2010", null),
    DEPLOYMENT_OUTDATED("EHR-2011", null),
    DIRECTORY_UNAUTHORIZED("EHR-2101", "HospitalDirectoryUnauthorized"),
    DIRECTORY_UNKNOWN_HOSPITAL("EHR-2102", "HospitalDirectoryUnknownHospital"),
    DIRECTORY_HOSPITAL_NOT_ACTIVE("EHR-2103", "HospitalDirectoryHospitalNotActive"),
    DIRECTORY_ADDRESS_IN_USE("EHR-2104", "HospitalDirectoryAddressInUse"),
    DIRECTORY_ZERO_ADDRESS("EHR-2105", "HospitalDirectoryZeroAddress"),
    DIRECTORY_INVALID_VALUE("EHR-2106", "HospitalDirectoryInvalidValue"),
    DIRECTORY_NOT_STAFF("EHR-2107", "HospitalDirectoryNotStaff"),
    DIRECTORY_INVALID_KEY("EHR-2108", "HospitalDirectoryInvalidKey"),
    DIRECTORY_INVALID_ENDPOINT("EHR-2109", "HospitalDirectoryInvalidEndpoint"),
    CONSENT_UNAUTHORIZED("EHR-2201", "ConsentRegistryUnauthorized"),
    CONSENT_INVALID_GRANTEE("EHR-2202", "ConsentRegistryInvalidGrantee"),
    CONSENT_INVALID_SCOPES("EHR-2203", "ConsentRegistryInvalidScopes"),
    CONSENT_INVALID_CATEGORY("EHR-2204", "ConsentRegistryInvalidCategory"),
    CONSENT_EXPIRY_NOT_IN_FUTURE("EHR-2205", "ConsentRegistryExpiryNotInFuture"),
    CONSENT_SIGNATURE_EXPIRED("EHR-2206", "ConsentRegistrySignatureExpired"),
    CONSENT_STALE_COUNTER("EHR-2207", "ConsentRegistryStaleCounter"),
    CONSENT_INVALID_SIGNATURE("EHR-2208", "ConsentRegistryInvalidSignature"),
    CONSENT_UNKNOWN_GRANTEE("EHR-2210", "ConsentRegistryUnknownGrantee"),
    CONSENT_SIGNATURE_LIFETIME("EHR-2211", "ConsentRegistrySignatureLifetime"),
    CONSENT_REVOKED_BEFORE("EHR-2212", "ConsentRegistryRevokedBefore"),
    CONSENT_EMERGENCY_LIMIT("EHR-2213", "ConsentRegistryEmergencyLimit"),
    CONSENT_STALE_LINK("EHR-2214", "ConsentRegistryStaleLink"),
    ANCHOR_UNAUTHORIZED("EHR-2301", "RecordAnchorUnauthorized"),
    ANCHOR_INVALID_BATCH("EHR-2302", "RecordAnchorInvalidBatch"),
    ANCHOR_ROOT_EXISTS("EHR-2303", "RecordAnchorRootExists"),
    ANCHOR_UNKNOWN_ROOT("EHR-2304", "RecordAnchorUnknownRoot"),
    ANCHOR_INVALID_PROOF("EHR-2305", "RecordAnchorInvalidProof"),
    ADMIN_UNAUTHORIZED("EHR-2401", "AccessControlUnauthorizedAccount"),
    ADMIN_OPERATION_STATE("EHR-2402", "TimelockUnexpectedOperationState"),
    ADMIN_INSUFFICIENT_DELAY("EHR-2403", "TimelockInsufficientDelay"),
    ADMIN_UNEXECUTED_PREDECESSOR("EHR-2404", "TimelockUnexecutedPredecessor"),
    ADMIN_CALL_FAILED("EHR-2405", "FailedCall"),
    ADMIN_MULTISIG_UNAUTHORIZED("EHR-2410", "MultisigUnauthorized"),
    ADMIN_MULTISIG_INVALID_CONFIG("EHR-2411", "MultisigInvalidConfig"),
    ADMIN_MULTISIG_UNKNOWN_PROPOSAL("EHR-2412", "MultisigUnknownProposal"),
    ADMIN_MULTISIG_ALREADY_APPROVED("EHR-2413", "MultisigAlreadyApproved"),
    ADMIN_MULTISIG_NOT_ENOUGH_APPROVALS("EHR-2414", "MultisigNotEnoughApprovals"),
    ADMIN_MULTISIG_ALREADY_EXECUTED("EHR-2415", "MultisigAlreadyExecuted"),
    ADMIN_MULTISIG_CALL_FAILED("EHR-2416", "MultisigCallFailed"),
    ADMIN_MULTISIG_INVALID_TARGET("EHR-2417", "MultisigInvalidTarget"),

    // 5xxx: records
    RECORD_NOT_FOUND("EHR-5001", null),
    RECORD_VERSION_CONFLICT("EHR-5002", null),
    RECORD_REFERENCED("EHR-5003", null),
    RECORD_ERASED("EHR-5004", null),
    RECORD_LEGAL_HOLD("EHR-5005", null),
    RECORD_TAMPERED("EHR-5006", null),
    STORE_UNAVAILABLE("EHR-5010", null),
    STORE_IN_USE("EHR-5011", null),
    /** As many of a heavy operation run as the node allows at once: try again shortly (429). */
    OPERATION_BUSY("EHR-5012", null),
    /** The answer would exceed what one request may return (422). */
    RESULT_TOO_LARGE("EHR-5013", null),

    // 53xx: access to records
    ACCESS_FORBIDDEN("EHR-5301", null),
    SEARCH_PAGE_NOT_YOURS("EHR-5302", null),

    // 52xx: anchoring and verification
    VERIFY_TAMPERED("EHR-5200", null),
    VERIFY_NO_CHAIN("EHR-5201", null),
    ANCHOR_NOT_READY("EHR-5202", null),
    VERIFY_CHAINS_DISAGREE("EHR-5203", null),

    // 3xxx: keys
    KEYSTORE_NOT_FOUND("EHR-3001", null),
    KEYSTORE_EXISTS("EHR-3002", null),
    KEYSTORE_WRONG_PASSWORD("EHR-3003", null),
    KEYSTORE_INVALID("EHR-3004", null),
    PASSWORD_MISSING("EHR-3005", null),
    KEYS_MISSING("EHR-3010", null),
    KEYS_BACKUP_INVALID("EHR-3011", null),
    KEYS_WRONG_PASSPHRASE("EHR-3012", null),
    KEYS_EXIST("EHR-3013", null),
    KEYS_MISMATCH("EHR-3014", null),
    KEYS_NOT_WRITABLE("EHR-3015", null),
    KEYS_ROTATION_UNFINISHED("EHR-3016", null),

    // 4xxx: running a node or a dev chain
    DEV_CHAIN_FAILED("EHR-4001", null),
    ANVIL_NOT_FOUND("EHR-4002", null),
    DATA_DIR_INVALID("EHR-4003", null),
    NODE_UNREACHABLE("EHR-4004", null),

    // 70xx: import and demo data
    IMPORT_PATH_INVALID("EHR-7001", null),
    IMPORT_SERVER_UNREACHABLE("EHR-7002", null),
    IMPORT_REJECTED("EHR-7003", null),
    DEMO_GENERATOR_MISSING("EHR-7010", null),
    DEMO_GENERATION_FAILED("EHR-7011", null),
    DEMO_LOAD_INCOMPLETE("EHR-7012", null);

    private final String code;
    private final String contractError;

    ErrorCode(String code, String contractError) {
        this.code = code;
        this.contractError = contractError;
    }

    public String code() {
        return code;
    }

    /** The Solidity custom error this code stands for, if any. */
    public Optional<String> contractError() {
        return Optional.ofNullable(contractError);
    }

    public static Optional<ErrorCode> findByContractError(String errorName) {
        return Arrays.stream(values()).filter(c -> errorName.equals(c.contractError)).findFirst();
    }
}
