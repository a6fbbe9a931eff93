// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IHospitalDirectory} from "./IHospitalDirectory.sol";

/// @title HospitalDirectory
/// @notice Hospitals are registered, updated and suspended by the consortium admin, a role held by a TimelockController
/// whose only proposer is a k-of-n multisig of the hospitals' admins (ConsortiumMultisig), never by a single key.
/// Each hospital's node manages its own staff. One address belongs to at most one hospital, as node or as staff.
contract HospitalDirectory is IHospitalDirectory, AccessControl {
    /// @notice Role of the consortium admin.
    bytes32 public constant CONSORTIUM_ADMIN_ROLE = keccak256("CONSORTIUM_ADMIN_ROLE");

    struct StaffEntry {
        uint32 hospitalId;
        StaffRole role;
    }

    uint32 private _hospitalCount;
    mapping(uint32 hospitalId => Hospital) private _hospitals;
    mapping(address node => uint32 hospitalId) private _hospitalOfNode;
    mapping(address staff => StaffEntry) private _staff;
    mapping(uint32 hospitalId => Exchange) private _exchanges;

    /// @param consortiumAdmin the k-of-n approval contract that holds the consortium admin role (and may hand it on)
    constructor(address consortiumAdmin) {
        if (consortiumAdmin == address(0)) revert HospitalDirectoryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, consortiumAdmin);
        _grantRole(CONSORTIUM_ADMIN_ROLE, consortiumAdmin);
    }

    /// @inheritdoc IHospitalDirectory
    function registerHospital(address node, string calldata name, string calldata fhirBaseUrl)
        external
        returns (uint32 hospitalId)
    {
        _requireAdmin();
        _requireUnused(node);
        hospitalId = ++_hospitalCount;
        _hospitals[hospitalId] = Hospital(node, HospitalStatus.Active, name, fhirBaseUrl);
        _hospitalOfNode[node] = hospitalId;
        emit HospitalRegistered(hospitalId, node, name, fhirBaseUrl);
    }

    /// @inheritdoc IHospitalDirectory
    function setHospitalStatus(uint32 hospitalId, HospitalStatus status) external {
        _requireAdmin();
        _requireKnown(hospitalId);
        if (status == HospitalStatus.None) revert HospitalDirectoryInvalidValue(uint8(status));
        _hospitals[hospitalId].status = status;
        emit HospitalStatusChanged(hospitalId, status);
    }

    /// @inheritdoc IHospitalDirectory
    function updateHospital(uint32 hospitalId, string calldata name, string calldata fhirBaseUrl) external {
        _requireKnown(hospitalId);
        _requireAdminOrNode(hospitalId);
        Hospital storage hospital = _hospitals[hospitalId];
        hospital.name = name;
        hospital.fhirBaseUrl = fhirBaseUrl;
        emit HospitalUpdated(hospitalId, name, fhirBaseUrl);
    }

    /// @inheritdoc IHospitalDirectory
    function rotateNodeAddress(uint32 hospitalId, address newNode) external {
        _requireKnown(hospitalId);
        _requireAdminOrNode(hospitalId);
        _requireUnused(newNode);
        Hospital storage hospital = _hospitals[hospitalId];
        address previousNode = hospital.node;
        delete _hospitalOfNode[previousNode];
        _hospitalOfNode[newNode] = hospitalId;
        hospital.node = newNode;
        emit NodeAddressRotated(hospitalId, previousNode, newNode);
    }

    /// @inheritdoc IHospitalDirectory
    function addStaff(address staff, StaffRole role) external {
        uint32 hospitalId = _hospitalOfNode[msg.sender];
        if (hospitalId == 0) revert HospitalDirectoryUnauthorized(msg.sender);
        if (_hospitals[hospitalId].status != HospitalStatus.Active) {
            revert HospitalDirectoryHospitalNotActive(hospitalId);
        }
        if (role == StaffRole.None) revert HospitalDirectoryInvalidValue(uint8(role));
        if (staff == address(0)) revert HospitalDirectoryZeroAddress();
        uint32 current = _staff[staff].hospitalId;
        if (_hospitalOfNode[staff] != 0 || (current != 0 && current != hospitalId)) {
            revert HospitalDirectoryAddressInUse(staff);
        }
        _staff[staff] = StaffEntry(hospitalId, role);
        emit StaffAdded(hospitalId, staff, role);
    }

    /// @inheritdoc IHospitalDirectory
    function removeStaff(address staff) external {
        uint32 hospitalId = _hospitalOfNode[msg.sender];
        if (hospitalId == 0) revert HospitalDirectoryUnauthorized(msg.sender);
        if (_staff[staff].hospitalId != hospitalId) revert HospitalDirectoryNotStaff(staff, hospitalId);
        delete _staff[staff];
        emit StaffRemoved(hospitalId, staff);
    }

    /// @inheritdoc IHospitalDirectory
    function getHospital(uint32 hospitalId) external view returns (Hospital memory) {
        return _hospitals[hospitalId];
    }

    /// @inheritdoc IHospitalDirectory
    function setExchangeEndpoint(string calldata endpoint) external {
        uint32 hospitalId = _hospitalOfNode[msg.sender];
        if (hospitalId == 0) revert HospitalDirectoryUnauthorized(msg.sender);
        uint256 length = bytes(endpoint).length;
        if (length == 0 || length > 256) revert HospitalDirectoryInvalidEndpoint(length);
        Exchange storage exchange = _exchanges[hospitalId];
        exchange.endpoint = endpoint;
        exchange.updatedAt = uint40(block.timestamp);
        emit ExchangeEndpointSet(hospitalId, endpoint);
    }

    /// @inheritdoc IHospitalDirectory
    function setKeys(
        KeyType signingKeyType,
        bytes calldata signingKey,
        KeyType encryptionKeyType,
        bytes calldata encryptionKey
    ) external {
        uint32 hospitalId = _hospitalOfNode[msg.sender];
        if (hospitalId == 0) revert HospitalDirectoryUnauthorized(msg.sender);
        _requireKey(signingKeyType, signingKey.length, KeyType.Ed25519);
        _requireKey(encryptionKeyType, encryptionKey.length, KeyType.X25519);
        Exchange storage exchange = _exchanges[hospitalId];
        exchange.signingKeyType = signingKeyType;
        exchange.signingKey = signingKey;
        exchange.encryptionKeyType = encryptionKeyType;
        exchange.encryptionKey = encryptionKey;
        exchange.updatedAt = uint40(block.timestamp);
        emit HospitalKeysSet(hospitalId, signingKeyType, signingKey, encryptionKeyType, encryptionKey);
    }

    /// @inheritdoc IHospitalDirectory
    function exchangeOf(uint32 hospitalId) external view returns (Exchange memory) {
        return _exchanges[hospitalId];
    }

    /// @inheritdoc IHospitalDirectory
    function hospitalCount() external view returns (uint32) {
        return _hospitalCount;
    }

    /// @inheritdoc IHospitalDirectory
    function isActiveHospital(uint32 hospitalId) public view returns (bool) {
        return _hospitals[hospitalId].status == HospitalStatus.Active;
    }

    /// @inheritdoc IHospitalDirectory
    function hospitalOfNode(address node) external view returns (uint32) {
        return _hospitalOfNode[node];
    }

    /// @inheritdoc IHospitalDirectory
    function activeHospitalOfNode(address node) external view returns (uint32) {
        uint32 hospitalId = _hospitalOfNode[node];
        return isActiveHospital(hospitalId) ? hospitalId : 0;
    }

    /// @inheritdoc IHospitalDirectory
    function staffOf(address staff) external view returns (uint32 hospitalId, StaffRole role) {
        StaffEntry memory entry = _staff[staff];
        return (entry.hospitalId, entry.role);
    }

    /// @inheritdoc IHospitalDirectory
    function isActiveStaff(address staff, uint32 hospitalId, StaffRole role) external view returns (bool) {
        StaffEntry memory entry = _staff[staff];
        return entry.hospitalId == hospitalId && entry.role == role && role != StaffRole.None
            && isActiveHospital(hospitalId);
    }

    function _requireAdmin() private view {
        if (!hasRole(CONSORTIUM_ADMIN_ROLE, msg.sender)) revert HospitalDirectoryUnauthorized(msg.sender);
    }

    function _requireAdminOrNode(uint32 hospitalId) private view {
        if (msg.sender != _hospitals[hospitalId].node && !hasRole(CONSORTIUM_ADMIN_ROLE, msg.sender)) {
            revert HospitalDirectoryUnauthorized(msg.sender);
        }
    }

    function _requireKnown(uint32 hospitalId) private view {
        if (_hospitals[hospitalId].status == HospitalStatus.None) revert HospitalDirectoryUnknownHospital(hospitalId);
    }

    /// @dev An ECDSA key (secp256k1 or P-256, 33 or 65 bytes), or the 32-byte Edwards/Montgomery key of the use.
    function _requireKey(KeyType keyType, uint256 length, KeyType curve25519) private pure {
        bool ecdsa = keyType == KeyType.Secp256k1 || keyType == KeyType.P256;
        bool valid = ecdsa ? (length == 33 || length == 65) : (keyType == curve25519 && length == 32);
        if (!valid) revert HospitalDirectoryInvalidKey(keyType, length);
    }

    function _requireUnused(address account) private view {
        if (account == address(0)) revert HospitalDirectoryZeroAddress();
        if (_hospitalOfNode[account] != 0 || _staff[account].hospitalId != 0) {
            revert HospitalDirectoryAddressInUse(account);
        }
    }
}
