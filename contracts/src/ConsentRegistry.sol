// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";
import {IHospitalDirectory} from "./IHospitalDirectory.sol";

/// @title ConsentRegistry
/// @notice Patients grant, scope, time-limit, revoke and cancel access to their records, and prove which address is
/// theirs at a hospital. Each patient–grantee pair lives in one storage slot. Signed grants and links (EIP-712) are
/// relayed by active hospital nodes; signed revokes and cancels by anyone, so no hospital can stall them.
contract ConsentRegistry is IConsentRegistry, EIP712 {
    /// @notice The version of the consortium's contracts this belongs to.
    uint256 public constant VERSION = 2;

    /// @notice Typehash of the signed grant message.
    bytes32 public constant GRANT_TYPEHASH = keccak256(
        "Grant(address patient,uint256 grantee,uint64 scopes,uint8 purpose,uint40 expiry,uint32 counter,"
        "uint256 issuedAt,uint256 deadline)"
    );
    /// @notice Typehash of the signed revoke message.
    bytes32 public constant REVOKE_TYPEHASH =
        keccak256("Revoke(address patient,uint256 grantee,uint256 issuedAt,uint256 deadline)");
    /// @notice Typehash of the signed cancel message.
    bytes32 public constant CANCEL_TYPEHASH =
        keccak256("Cancel(address patient,uint256 grantee,uint256 issuedAt,uint256 deadline)");
    /// @notice Typehash of the signed link message.
    bytes32 public constant LINK_TYPEHASH = keccak256(
        "Link(address patient,uint32 hospitalId,bytes32 patientIdHash,uint32 counter,uint256 issuedAt,uint256 deadline)"
    );

    /// @notice A signature's deadline is at most this long after its `issuedAt`.
    uint256 public constant MAX_SIGNATURE_LIFETIME = 30 days;
    /// @notice How far in the future a signature's `issuedAt` may be (clocks differ).
    uint256 public constant MAX_CLOCK_SKEW = 5 minutes;
    /// @notice Break-glass declarations a practitioner may make per window.
    uint16 public constant MAX_EMERGENCY_PER_WINDOW = 10;
    /// @notice The break-glass window.
    uint40 public constant EMERGENCY_WINDOW = 1 days;

    /// @notice Bit 12, sensitive, is the highest category.
    uint8 public constant MAX_CATEGORY = 12;
    uint64 private constant ALL_SCOPES = (uint64(1) << (MAX_CATEGORY + 1)) - 1;
    uint256 private constant HOSPITAL_FLAG = uint256(1) << 160;

    /// @dev A practitioner's break-glass declarations in the current window, one slot.
    struct EmergencyWindow {
        uint40 startedAt;
        uint16 count;
    }

    IHospitalDirectory private immutable _directory;
    mapping(address patient => mapping(uint256 grantee => Grant)) private _grants;
    mapping(uint32 hospitalId => mapping(bytes32 patientIdHash => PatientLink)) private _links;
    mapping(address practitioner => EmergencyWindow) private _emergencies;

    constructor(IHospitalDirectory directory_) EIP712("BbEHR ConsentRegistry", "2") {
        _directory = directory_;
    }

    /// @notice The directory this registry checks staff and hospitals against.
    function directory() external view returns (IHospitalDirectory) {
        return _directory;
    }

    /// @inheritdoc IConsentRegistry
    function grant(uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry) external {
        _grant(msg.sender, grantee, scopes, purpose, expiry, block.timestamp);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(uint256 grantee) external {
        _revoke(msg.sender, grantee, block.timestamp + MAX_CLOCK_SKEW, false, true);
    }

    /// @inheritdoc IConsentRegistry
    function cancel(uint256 grantee) external {
        _revoke(msg.sender, grantee, block.timestamp + MAX_CLOCK_SKEW, true, true);
    }

    /// @inheritdoc IConsentRegistry
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
    ) external {
        if (_directory.activeHospitalOfNode(msg.sender) == 0) revert ConsentRegistryUnauthorized(msg.sender);
        _checkLifetime(issuedAt, deadline);
        Grant storage slot = _grants[patient][grantee];
        if (counter != slot.counter) revert ConsentRegistryStaleCounter(patient, grantee, slot.counter, counter);
        if (issuedAt <= slot.revokedBefore) {
            revert ConsentRegistryRevokedBefore(patient, grantee, slot.revokedBefore, issuedAt);
        }
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(GRANT_TYPEHASH, patient, grantee, scopes, purpose, expiry, counter, issuedAt, deadline)
            )
        );
        _checkSigner(patient, digest, signature);
        _grant(patient, grantee, scopes, purpose, expiry, issuedAt);
    }

    /// @inheritdoc IConsentRegistry
    function revokeBySig(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline, bytes calldata signature)
        external
    {
        _checkLifetime(issuedAt, deadline);
        bytes32 digest = _pairDigest(REVOKE_TYPEHASH, patient, grantee, issuedAt, deadline);
        _checkSigner(patient, digest, signature);
        _revoke(patient, grantee, issuedAt + MAX_CLOCK_SKEW, false, false);
    }

    /// @inheritdoc IConsentRegistry
    function cancelBySig(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline, bytes calldata signature)
        external
    {
        _checkLifetime(issuedAt, deadline);
        bytes32 digest = _pairDigest(CANCEL_TYPEHASH, patient, grantee, issuedAt, deadline);
        _checkSigner(patient, digest, signature);
        _revoke(patient, grantee, issuedAt + MAX_CLOCK_SKEW, true, false);
    }

    /// @inheritdoc IConsentRegistry
    function emergencyAccess(address patient, bytes32 saltedReasonHash) external {
        (uint32 hospitalId, IHospitalDirectory.StaffRole role) = _directory.staffOf(msg.sender);
        if (role != IHospitalDirectory.StaffRole.Practitioner || !_directory.isActiveHospital(hospitalId)) {
            revert ConsentRegistryUnauthorized(msg.sender);
        }
        EmergencyWindow memory window = _emergencies[msg.sender];
        if (block.timestamp >= uint256(window.startedAt) + EMERGENCY_WINDOW) {
            window = EmergencyWindow(uint40(block.timestamp), 0);
        }
        if (window.count >= MAX_EMERGENCY_PER_WINDOW) {
            revert ConsentRegistryEmergencyLimit(msg.sender, window.startedAt + EMERGENCY_WINDOW);
        }
        window.count += 1;
        _emergencies[msg.sender] = window;
        emit EmergencyAccessDeclared(patient, msg.sender, hospitalId, saltedReasonHash, window.count);
    }

    /// @inheritdoc IConsentRegistry
    function linkBySig(
        address patient,
        bytes32 patientIdHash,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline,
        bytes calldata signature,
        bytes calldata previousSignature
    ) external {
        uint32 hospitalId = _directory.activeHospitalOfNode(msg.sender);
        if (hospitalId == 0) revert ConsentRegistryUnauthorized(msg.sender);
        _checkLifetime(issuedAt, deadline);
        PatientLink memory current = _links[hospitalId][patientIdHash];
        if (counter != current.counter) {
            revert ConsentRegistryStaleLink(hospitalId, patientIdHash, current.counter, counter);
        }
        bytes32 digest = _linkDigest(patient, hospitalId, patientIdHash, counter, issuedAt, deadline);
        _checkSigner(patient, digest, signature);
        if (current.patient != address(0)) {
            _checkSigner(current.patient, digest, previousSignature);
        }
        _links[hospitalId][patientIdHash] = PatientLink(patient, counter + 1, uint40(block.timestamp));
        emit PatientLinked(hospitalId, patientIdHash, patient, current.patient, counter + 1);
    }

    /// @inheritdoc IConsentRegistry
    function getGrant(address patient, uint256 grantee) external view returns (Grant memory) {
        return _grants[patient][grantee];
    }

    /// @inheritdoc IConsentRegistry
    function linkOf(uint32 hospitalId, bytes32 patientIdHash) external view returns (PatientLink memory) {
        return _links[hospitalId][patientIdHash];
    }

    /// @notice A practitioner's break-glass declarations in the current window and when it started.
    function emergencyWindowOf(address practitioner) external view returns (uint40 startedAt, uint16 count) {
        EmergencyWindow memory window = _emergencies[practitioner];
        return (window.startedAt, window.count);
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
        uint256 issuedAt,
        uint256 deadline
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(GRANT_TYPEHASH, patient, grantee, scopes, purpose, expiry, counter, issuedAt, deadline)
            )
        );
    }

    /// @inheritdoc IConsentRegistry
    function revokeDigest(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _pairDigest(REVOKE_TYPEHASH, patient, grantee, issuedAt, deadline);
    }

    /// @inheritdoc IConsentRegistry
    function cancelDigest(address patient, uint256 grantee, uint256 issuedAt, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _pairDigest(CANCEL_TYPEHASH, patient, grantee, issuedAt, deadline);
    }

    /// @inheritdoc IConsentRegistry
    function linkDigest(
        address patient,
        uint32 hospitalId,
        bytes32 patientIdHash,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline
    ) external view returns (bytes32) {
        return _linkDigest(patient, hospitalId, patientIdHash, counter, issuedAt, deadline);
    }

    /// @dev The digest of a Revoke or a Cancel: the two messages have the same fields.
    function _pairDigest(bytes32 typehash, address patient, uint256 grantee, uint256 issuedAt, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(typehash, patient, grantee, issuedAt, deadline)));
    }

    function _linkDigest(
        address patient,
        uint32 hospitalId,
        bytes32 patientIdHash,
        uint32 counter,
        uint256 issuedAt,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(LINK_TYPEHASH, patient, hospitalId, patientIdHash, counter, issuedAt, deadline))
        );
    }

    function _grant(address patient, uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry, uint256 grantedAt)
        private
    {
        _checkGrantee(grantee);
        if (scopes == 0 || scopes & ~ALL_SCOPES != 0) revert ConsentRegistryInvalidScopes(scopes);
        if (expiry <= block.timestamp) revert ConsentRegistryExpiryNotInFuture(expiry, block.timestamp);
        Grant storage slot = _grants[patient][grantee];
        uint32 counter = slot.counter + 1;
        _grants[patient][grantee] = Grant(scopes, expiry, purpose, counter, uint40(grantedAt), slot.revokedBefore);
        emit ConsentGranted(patient, grantee, scopes, purpose, expiry, counter, uint40(grantedAt));
    }

    /// @dev Ends the pair's grant if it was signed at or before `covers`, and keeps every such grant from being
    /// relayed after; a cancel also bumps the counter. A revoke covers `MAX_CLOCK_SKEW` past its own time, since a
    /// grant's signed `issuedAt` may be dated that far ahead: so a grant dated ahead and still unrelayed cannot outlive
    /// a revoke made after it was signed. A signed revoke or cancel must cover more than the pair's latest one (the same
    /// one relayed again is refused and never ends a grant made after it); the patient's own covers at least as much
    /// as the latest, and so the grant the pair has.
    function _revoke(address patient, uint256 grantee, uint256 covers, bool cancelling, bool direct) private {
        Grant memory pair = _grants[patient][grantee];
        if (direct) {
            // a stored grantedAt is at most its relay's time plus the skew, so never past `covers`
            if (pair.revokedBefore > covers) covers = pair.revokedBefore;
        } else if (covers <= pair.revokedBefore) {
            revert ConsentRegistryRevokedBefore(patient, grantee, pair.revokedBefore, covers);
        }
        if (pair.scopes != 0 && pair.grantedAt <= covers) {
            (pair.scopes, pair.expiry, pair.purpose) = (0, 0, 0);
        }
        pair.revokedBefore = uint40(covers);
        if (cancelling) {
            unchecked {
                pair.counter += 1;
            }
            _grants[patient][grantee] = pair;
            emit ConsentCancelled(patient, grantee, uint40(covers));
        } else {
            _grants[patient][grantee] = pair;
            emit ConsentRevoked(patient, grantee, uint40(covers));
        }
    }

    function _checkLifetime(uint256 issuedAt, uint256 deadline) private view {
        if (deadline < block.timestamp) revert ConsentRegistrySignatureExpired(deadline, block.timestamp);
        if (issuedAt > block.timestamp + MAX_CLOCK_SKEW || deadline > issuedAt + MAX_SIGNATURE_LIFETIME) {
            revert ConsentRegistrySignatureLifetime(issuedAt, deadline);
        }
    }

    function _checkSigner(address signer, bytes32 digest, bytes calldata signature) private pure {
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        if (error != ECDSA.RecoverError.NoError || recovered != signer || signer == address(0)) {
            revert ConsentRegistryInvalidSignature(signer, recovered);
        }
    }

    /// @dev A practitioner grantee must be a practitioner in the directory; a hospital grantee a registered hospital.
    function _checkGrantee(uint256 grantee) private view {
        if (grantee != 0 && grantee < HOSPITAL_FLAG) {
            (, IHospitalDirectory.StaffRole role) = _directory.staffOf(address(uint160(grantee)));
            if (role != IHospitalDirectory.StaffRole.Practitioner) revert ConsentRegistryUnknownGrantee(grantee);
        } else if (grantee > HOSPITAL_FLAG && grantee <= (HOSPITAL_FLAG | type(uint32).max)) {
            if (uint32(grantee) > _directory.hospitalCount()) revert ConsentRegistryUnknownGrantee(grantee);
        } else {
            revert ConsentRegistryInvalidGrantee(grantee);
        }
    }

    function _categoryBit(uint8 category) private pure returns (uint64) {
        if (category > MAX_CATEGORY) revert ConsentRegistryInvalidCategory(category);
        return uint64(1) << category;
    }

    function _covers(Grant storage stored, uint64 bit) private view returns (bool) {
        return stored.scopes & bit != 0 && block.timestamp < stored.expiry;
    }
}
