// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";
import {IHospitalDirectory} from "./IHospitalDirectory.sol";

/// @title ConsentRegistry
/// @notice Patients grant, scope, time-limit and revoke access to their records. Each grant, with its replay
/// counter, lives in one storage slot. Signed grants (EIP-712) are relayed by active hospital nodes; signed revokes
/// by anyone, so no hospital can stall a revocation.
contract ConsentRegistry is IConsentRegistry, EIP712 {
    /// @notice Typehash of the signed grant message.
    bytes32 public constant GRANT_TYPEHASH = keccak256(
        "Grant(address patient,uint256 grantee,uint64 scopes,uint8 purpose,uint40 expiry,uint32 counter,uint256 deadline)"
    );
    /// @notice Typehash of the signed revoke message.
    bytes32 public constant REVOKE_TYPEHASH =
        keccak256("Revoke(address patient,uint256 grantee,uint32 counter,uint256 deadline)");

    /// @notice Bit 12, sensitive, is the highest category.
    uint8 public constant MAX_CATEGORY = 12;
    uint64 private constant ALL_SCOPES = (uint64(1) << (MAX_CATEGORY + 1)) - 1;
    uint256 private constant HOSPITAL_FLAG = uint256(1) << 160;

    IHospitalDirectory private immutable _directory;
    mapping(address patient => mapping(uint256 grantee => Grant)) private _grants;

    constructor(IHospitalDirectory directory_) EIP712("BbEHR ConsentRegistry", "1") {
        _directory = directory_;
    }

    /// @notice The directory this registry checks staff and hospitals against.
    function directory() external view returns (IHospitalDirectory) {
        return _directory;
    }

    /// @inheritdoc IConsentRegistry
    function grant(uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry) external {
        _grant(msg.sender, grantee, scopes, purpose, expiry);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(uint256 grantee) external {
        _revoke(msg.sender, grantee);
    }

    /// @inheritdoc IConsentRegistry
    function grantBySig(
        address patient,
        uint256 grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint32 counter,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (_directory.activeHospitalOfNode(msg.sender) == 0) revert ConsentRegistryUnauthorized(msg.sender);
        _checkFreshness(patient, grantee, counter, deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(GRANT_TYPEHASH, patient, grantee, scopes, purpose, expiry, counter, deadline))
        );
        _checkSigner(patient, digest, signature);
        _grant(patient, grantee, scopes, purpose, expiry);
    }

    /// @inheritdoc IConsentRegistry
    function revokeBySig(address patient, uint256 grantee, uint32 counter, uint256 deadline, bytes calldata signature)
        external
    {
        _checkFreshness(patient, grantee, counter, deadline);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, patient, grantee, counter, deadline)));
        _checkSigner(patient, digest, signature);
        _revoke(patient, grantee);
    }

    /// @inheritdoc IConsentRegistry
    function emergencyAccess(address patient, bytes32 reasonHash) external {
        (uint32 hospitalId, IHospitalDirectory.StaffRole role) = _directory.staffOf(msg.sender);
        if (role != IHospitalDirectory.StaffRole.Practitioner || !_directory.isActiveHospital(hospitalId)) {
            revert ConsentRegistryUnauthorized(msg.sender);
        }
        emit EmergencyAccessDeclared(patient, msg.sender, hospitalId, reasonHash);
    }

    /// @inheritdoc IConsentRegistry
    function getGrant(address patient, uint256 grantee) external view returns (Grant memory) {
        return _grants[patient][grantee];
    }

    /// @inheritdoc IConsentRegistry
    function isAuthorized(address patient, address practitioner, uint8 category) external view returns (bool) {
        uint64 bit = _categoryBit(category);
        (uint32 hospitalId, IHospitalDirectory.StaffRole role) = _directory.staffOf(practitioner);
        if (role != IHospitalDirectory.StaffRole.Practitioner || !_directory.isActiveHospital(hospitalId)) {
            return false;
        }
        return _covers(_grants[patient][uint256(uint160(practitioner))], bit)
            || _covers(_grants[patient][HOSPITAL_FLAG | hospitalId], bit);
    }

    /// @inheritdoc IConsentRegistry
    function isHospitalAuthorized(address patient, uint32 hospitalId, uint8 category) external view returns (bool) {
        uint64 bit = _categoryBit(category);
        return _directory.isActiveHospital(hospitalId) && _covers(_grants[patient][HOSPITAL_FLAG | hospitalId], bit);
    }

    /// @inheritdoc IConsentRegistry
    function grantDigest(
        address patient,
        uint256 grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint32 counter,
        uint256 deadline
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(GRANT_TYPEHASH, patient, grantee, scopes, purpose, expiry, counter, deadline))
        );
    }

    /// @inheritdoc IConsentRegistry
    function revokeDigest(address patient, uint256 grantee, uint32 counter, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, patient, grantee, counter, deadline)));
    }

    function _grant(address patient, uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry) private {
        _checkGrantee(grantee);
        if (scopes == 0 || scopes & ~ALL_SCOPES != 0) revert ConsentRegistryInvalidScopes(scopes);
        if (expiry <= block.timestamp) revert ConsentRegistryExpiryNotInFuture(expiry, block.timestamp);
        Grant storage slot = _grants[patient][grantee];
        uint32 counter = slot.counter + 1;
        _grants[patient][grantee] = Grant(scopes, expiry, purpose, counter);
        emit ConsentGranted(patient, grantee, scopes, purpose, expiry, counter);
    }

    function _revoke(address patient, uint256 grantee) private {
        Grant storage slot = _grants[patient][grantee];
        if (slot.scopes == 0) revert ConsentRegistryNoGrant(patient, grantee);
        uint32 counter = slot.counter + 1;
        _grants[patient][grantee] = Grant(0, 0, 0, counter);
        emit ConsentRevoked(patient, grantee, counter);
    }

    function _checkFreshness(address patient, uint256 grantee, uint32 counter, uint256 deadline) private view {
        if (deadline < block.timestamp) revert ConsentRegistrySignatureExpired(deadline, block.timestamp);
        uint32 expected = _grants[patient][grantee].counter;
        if (counter != expected) revert ConsentRegistryStaleCounter(patient, grantee, expected, counter);
    }

    function _checkSigner(address patient, bytes32 digest, bytes calldata signature) private pure {
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        if (error != ECDSA.RecoverError.NoError || recovered != patient || patient == address(0)) {
            revert ConsentRegistryInvalidSignature(patient, recovered);
        }
    }

    function _checkGrantee(uint256 grantee) private pure {
        bool practitioner = grantee != 0 && grantee < HOSPITAL_FLAG;
        bool hospital = grantee > HOSPITAL_FLAG && grantee <= (HOSPITAL_FLAG | type(uint32).max);
        if (!practitioner && !hospital) revert ConsentRegistryInvalidGrantee(grantee);
    }

    function _categoryBit(uint8 category) private pure returns (uint64) {
        if (category > MAX_CATEGORY) revert ConsentRegistryInvalidCategory(category);
        return uint64(1) << category;
    }

    function _covers(Grant storage stored, uint64 bit) private view returns (bool) {
        return stored.scopes & bit != 0 && block.timestamp < stored.expiry;
    }
}
