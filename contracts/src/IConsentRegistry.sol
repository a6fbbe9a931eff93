// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Patients' consents: who may read which categories of their records, for what purpose, until when; and
/// which address belongs to which of a hospital's Patients.
/// @notice A grantee is a practitioner's address or a hospital, encoded in one uint256:
/// `uint160(practitioner)` for a practitioner, `(1 << 160) | hospitalId` for a hospital.
/// Scopes are a bitmask of record categories (bit 0 demographics ... bit 12 sensitive).
/// Every signed message carries `issuedAt` and a `deadline` at most `MAX_SIGNATURE_LIFETIME` after it, so no
/// unrelayed signature is an open-ended bearer grant. A revoke or a cancel covers every grant signed at or before
/// its `issuedAt`, whenever either is relayed.
interface IConsentRegistry {
    /// @notice One patient–grantee pair, in one storage slot: the grant (all zero scopes when none), the pair's replay
    /// counter, when the grant was signed (or made), and the `issuedAt` of the latest revoke or cancel.
    struct Grant {
        uint64 scopes;
        uint40 expiry;
        uint8 purpose;
        uint32 counter;
        uint40 grantedAt;
        uint40 revokedBefore;
    }

    /// @notice Which address a hospital's Patient has proved to hold, in one storage slot.
    struct PatientLink {
        address patient;
        uint32 counter;
        uint40 linkedAt;
    }

    /// @notice A patient granted (or replaced) access for a grantee; `grantedAt` is when the grant was signed (or made).
    event ConsentGranted(
        address indexed patient,
        uint256 indexed grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint32 counter,
        uint40 grantedAt
    );
    /// @notice A patient revoked every grant to a grantee signed at or before `revokedBefore` (the revoke's time plus
    /// `MAX_CLOCK_SKEW`).
    event ConsentRevoked(address indexed patient, uint256 indexed grantee, uint40 revokedBefore);
    /// @notice A patient cancelled every unrelayed signature for a grantee (and revoked as `ConsentRevoked` does).
    /// The pair's counter went up by one (`getGrant` has the new one).
    event ConsentCancelled(address indexed patient, uint256 indexed grantee, uint40 revokedBefore);
    /// @notice An active practitioner declared break-glass access to a patient's records; `count` is the
    /// practitioner's declarations in the current window.
    event EmergencyAccessDeclared(
        address indexed patient,
        address indexed practitioner,
        uint32 indexed hospitalId,
        bytes32 saltedReasonHash,
        uint16 count
    );
    /// @notice A hospital recorded that `patient` holds the key of its Patient whose id hashes to `patientIdHash`.
    event PatientLinked(
        uint32 indexed hospitalId,
        bytes32 indexed patientIdHash,
        address indexed patient,
        address previous,
        uint32 counter
    );

    /// @notice The caller may not do this.
    error ConsentRegistryUnauthorized(address caller);
    /// @notice The grantee is neither a practitioner address nor a hospital id in the documented encoding.
    error ConsentRegistryInvalidGrantee(uint256 grantee);
    /// @notice The grantee is not a practitioner in the directory, or not a registered hospital.
    error ConsentRegistryUnknownGrantee(uint256 grantee);
    /// @notice The scopes are empty or have bits outside the 13 defined categories.
    error ConsentRegistryInvalidScopes(uint64 scopes);
    /// @notice The category is not one of the 13 defined categories.
    error ConsentRegistryInvalidCategory(uint8 category);
    /// @notice The grant's expiry is not in the future.
    error ConsentRegistryExpiryNotInFuture(uint40 expiry, uint256 currentTime);
    /// @notice The signature's deadline has passed.
    error ConsentRegistrySignatureExpired(uint256 deadline, uint256 currentTime);
    /// @notice The signature's deadline is more than `MAX_SIGNATURE_LIFETIME` after its `issuedAt`, or it was issued in
    /// the future (beyond `MAX_CLOCK_SKEW`).
    error ConsentRegistrySignatureLifetime(uint256 issuedAt, uint256 deadline);
    /// @notice The signed counter is not the pair's current counter (the signature was used or superseded).
    error ConsentRegistryStaleCounter(address patient, uint256 grantee, uint32 expected, uint32 given);
    /// @notice The grant was signed at or before what the pair's latest revoke or cancel covers, or a signed revoke or
    /// cancel covers no more than it (`given` is the grant's `issuedAt`, or what the revoke would cover).
    error ConsentRegistryRevokedBefore(address patient, uint256 grantee, uint40 revokedBefore, uint256 given);
    /// @notice The signature is malformed or was not made by the patient.
    error ConsentRegistryInvalidSignature(address patient, address recovered);
    /// @notice The practitioner declared break-glass `MAX_EMERGENCY_PER_WINDOW` times in the current window.
    error ConsentRegistryEmergencyLimit(address practitioner, uint40 windowEndsAt);
    /// @notice The signed link counter is not the Patient's current one.
    error ConsentRegistryStaleLink(uint32 hospitalId, bytes32 patientIdHash, uint32 expected, uint32 given);

    /// @notice Grants (or replaces) the caller's grant to `grantee`; a grant replaces the pair's earlier one.
    function grant(uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry) external;

    /// @notice Revokes the caller's grant to `grantee`, whatever it is, and every grant to it signed until now (plus
    /// `MAX_CLOCK_SKEW`, as far as a signature may be dated ahead).
    function revoke(uint256 grantee) external;

    /// @notice Revokes as of now and cancels every unrelayed signature for `grantee` (bumps the counter).
    function cancel(uint256 grantee) external;

    /// @notice Grants on behalf of `patient`, who signed the EIP-712 `Grant` message. Active hospital nodes only.
    function grantBySig(
        address patient,
        uint256 grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Revokes on behalf of `patient`, who signed the EIP-712 `Revoke` message: every grant to `grantee`
    /// signed at or before `issuedAt + MAX_CLOCK_SKEW` ends, and none such can be relayed after. It must be newer than
    /// the pair's latest revoke or cancel (so the same one relayed again is refused). Anyone may relay.
    function revokeBySig(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Cancels on behalf of `patient`, who signed the EIP-712 `Cancel` message: as `revokeBySig`, and the
    /// counter is bumped so every earlier unrelayed signature dies, even with no grant ever relayed. Anyone may relay.
    function cancelBySig(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Declares break-glass access to `patient`'s records. Active practitioners only, at most
    /// `MAX_EMERGENCY_PER_WINDOW` times per `EMERGENCY_WINDOW`. `saltedReasonHash` is `keccak256(salt ‖ reason)` with a
    /// random salt kept off chain, so a short reason can't be guessed from it.
    function emergencyAccess(address patient, bytes32 saltedReasonHash) external;

    /// @notice Links `patient` to the caller's hospital's Patient `patientIdHash` (the id hashed with a per-hospital
    /// salt), signed by `patient` as the EIP-712 `Link` message; a re-link also needs `previousSignature`, the
    /// currently linked address's signature over the same message. The node of an active hospital only.
    function linkBySig(
        address patient,
        bytes32 patientIdHash,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline,
        bytes calldata signature,
        bytes calldata previousSignature
    ) external;

    /// @notice The pair's state (all zero if never touched).
    function getGrant(address patient, uint256 grantee) external view returns (Grant memory);

    /// @notice Which address is linked to the hospital's Patient (all zero if none).
    function linkOf(uint32 hospitalId, bytes32 patientIdHash) external view returns (PatientLink memory);

    /// @notice True iff an unrevoked, unexpired grant from `patient` to `practitioner` or to the practitioner's
    /// hospital covers `category`, and the practitioner and the hospital are active.
    function isAuthorized(address patient, address practitioner, uint8 category) external view returns (bool);

    /// @notice True iff an unrevoked, unexpired grant from `patient` to active hospital `hospitalId` covers `category`.
    function isHospitalAuthorized(address patient, uint32 hospitalId, uint8 category) external view returns (bool);

    /// @notice The EIP-712 digest a patient signs to grant.
    function grantDigest(
        address patient,
        uint256 grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest a patient signs to revoke.
    function revokeDigest(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline)
        external
        view
        returns (bytes32);

    /// @notice The EIP-712 digest a patient signs to cancel.
    function cancelDigest(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline)
        external
        view
        returns (bytes32);

    /// @notice The EIP-712 digest a patient (and, for a re-link, the linked address) signs to link.
    function linkDigest(
        address patient,
        uint32 hospitalId,
        bytes32 patientIdHash,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline
    ) external view returns (bytes32);
}
