// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Patients' consents: who may read which categories of their records, for what purpose, until when.
/// @notice A grantee is a practitioner's address or a hospital, encoded in one uint256:
/// `uint160(practitioner)` for a practitioner, `(1 << 160) | hospitalId` for a hospital.
/// Scopes are a bitmask of record categories (bit 0 demographics ... bit 12 sensitive).
interface IConsentRegistry {
    /// @notice One grant, kept in one storage slot. `counter` is the replay counter of the patient–grantee pair.
    struct Grant {
        uint64 scopes;
        uint40 expiry;
        uint8 purpose;
        uint32 counter;
    }

    /// @notice A patient granted (or replaced) access for a grantee.
    event ConsentGranted(
        address indexed patient, uint256 indexed grantee, uint64 scopes, uint8 purpose, uint40 expiry, uint32 counter
    );
    /// @notice A patient revoked a grantee's access.
    event ConsentRevoked(address indexed patient, uint256 indexed grantee, uint32 counter);
    /// @notice An active practitioner declared break-glass access to a patient's records.
    event EmergencyAccessDeclared(
        address indexed patient, address indexed practitioner, uint32 indexed hospitalId, bytes32 reasonHash
    );

    /// @notice The caller may not do this.
    error ConsentRegistryUnauthorized(address caller);
    /// @notice The grantee is neither a practitioner address nor a hospital id in the documented encoding.
    error ConsentRegistryInvalidGrantee(uint256 grantee);
    /// @notice The scopes are empty or have bits outside the 13 defined categories.
    error ConsentRegistryInvalidScopes(uint64 scopes);
    /// @notice The category is not one of the 13 defined categories.
    error ConsentRegistryInvalidCategory(uint8 category);
    /// @notice The grant's expiry is not in the future.
    error ConsentRegistryExpiryNotInFuture(uint40 expiry, uint256 currentTime);
    /// @notice The signature's deadline has passed.
    error ConsentRegistrySignatureExpired(uint256 deadline, uint256 currentTime);
    /// @notice The signed counter is not the pair's current counter (the signature was used or superseded).
    error ConsentRegistryStaleCounter(address patient, uint256 grantee, uint32 expected, uint32 given);
    /// @notice The signature is malformed or was not made by the patient.
    error ConsentRegistryInvalidSignature(address patient, address recovered);
    /// @notice There is no grant to revoke.
    error ConsentRegistryNoGrant(address patient, uint256 grantee);

    /// @notice Grants (or replaces) the caller's grant to `grantee`.
    function grant(uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry) external;

    /// @notice Revokes the caller's grant to `grantee`.
    function revoke(uint256 grantee) external;

    /// @notice Grants on behalf of `patient`, who signed the EIP-712 `Grant` message. Active hospital nodes only.
    function grantBySig(
        address patient,
        uint256 grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint32 counter,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Revokes on behalf of `patient`, who signed the EIP-712 `Revoke` message. Anyone may relay.
    function revokeBySig(address patient, uint256 grantee, uint32 counter, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Declares break-glass access to `patient`'s records. Active practitioners only. Stores nothing.
    function emergencyAccess(address patient, bytes32 reasonHash) external;

    /// @notice The grant from `patient` to `grantee` (all zero if none).
    function getGrant(address patient, uint256 grantee) external view returns (Grant memory);

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
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest a patient signs to revoke.
    function revokeDigest(address patient, uint256 grantee, uint32 counter, uint256 deadline)
        external
        view
        returns (bytes32);
}
