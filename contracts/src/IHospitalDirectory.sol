// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The consortium's directory of hospitals and their staff.
/// @notice Holds no health data: only hospital ids, node addresses, names, FHIR base URLs and staff roles.
interface IHospitalDirectory {
    /// @notice Lifecycle of a hospital. `None` means the id was never registered.
    enum HospitalStatus {
        None,
        Active,
        Suspended
    }

    /// @notice Role of a staff address at its hospital. `None` means the address is not staff.
    enum StaffRole {
        None,
        Practitioner,
        HospitalAdmin,
        Auditor
    }

    /// @notice What a published public key is.
    enum KeyType {
        None,
        Secp256k1,
        P256,
        Ed25519,
        X25519
    }

    /// @notice How other hospitals exchange records with one: its exchange endpoint, the public key it signs with and
    /// the public key payloads to it are encrypted to, each with its type; set and rotated by the hospital's node.
    struct Exchange {
        string endpoint;
        KeyType signingKeyType;
        bytes signingKey;
        KeyType encryptionKeyType;
        bytes encryptionKey;
        uint40 updatedAt;
    }

    /// @notice A registered hospital.
    struct Hospital {
        address node;
        HospitalStatus status;
        string name;
        string fhirBaseUrl;
    }

    /// @notice A hospital was registered by the consortium admin.
    event HospitalRegistered(uint32 indexed hospitalId, address indexed node, string name, string fhirBaseUrl);
    /// @notice A hospital's name or FHIR base URL was changed.
    event HospitalUpdated(uint32 indexed hospitalId, string name, string fhirBaseUrl);
    /// @notice A hospital was activated or suspended by the consortium admin.
    event HospitalStatusChanged(uint32 indexed hospitalId, HospitalStatus status);
    /// @notice A hospital's node (signing) address was replaced.
    event NodeAddressRotated(uint32 indexed hospitalId, address indexed previousNode, address indexed newNode);
    /// @notice A staff address was added to a hospital, or its role was changed.
    event StaffAdded(uint32 indexed hospitalId, address indexed staff, StaffRole role);
    /// @notice A staff address was removed from its hospital.
    event StaffRemoved(uint32 indexed hospitalId, address indexed staff);

    /// @notice A hospital's node set its exchange endpoint.
    event ExchangeEndpointSet(uint32 indexed hospitalId, string endpoint);
    /// @notice A hospital's node set (or rotated) its public keys.
    event HospitalKeysSet(
        uint32 indexed hospitalId,
        KeyType signingKeyType,
        bytes signingKey,
        KeyType encryptionKeyType,
        bytes encryptionKey
    );

    /// @notice The caller may not do this.
    error HospitalDirectoryUnauthorized(address caller);
    /// @notice No hospital has this id.
    error HospitalDirectoryUnknownHospital(uint32 hospitalId);
    /// @notice The hospital is not active.
    error HospitalDirectoryHospitalNotActive(uint32 hospitalId);
    /// @notice The address is already a hospital's node or a staff member.
    error HospitalDirectoryAddressInUse(address account);
    /// @notice The zero address was given.
    error HospitalDirectoryZeroAddress();
    /// @notice `None` is not a valid status or role here.
    error HospitalDirectoryInvalidValue(uint8 value);
    /// @notice The address is not staff of the caller's hospital.
    error HospitalDirectoryNotStaff(address staff, uint32 hospitalId);
    /// @notice The key is not of a type allowed for its use, or not of its type's length.
    error HospitalDirectoryInvalidKey(KeyType keyType, uint256 length);
    /// @notice The exchange endpoint is empty or longer than 256 bytes.
    error HospitalDirectoryInvalidEndpoint(uint256 length);

    /// @notice Registers a hospital, active at once. Consortium admin only.
    /// @return hospitalId the new, stable id (the first is 1)
    function registerHospital(address node, string calldata name, string calldata fhirBaseUrl)
        external
        returns (uint32 hospitalId);

    /// @notice Sets a hospital's status. Consortium admin only.
    function setHospitalStatus(uint32 hospitalId, HospitalStatus status) external;

    /// @notice Changes a hospital's name and FHIR base URL. Consortium admin or the hospital's node.
    function updateHospital(uint32 hospitalId, string calldata name, string calldata fhirBaseUrl) external;

    /// @notice Replaces a hospital's node address. Consortium admin or the hospital's current node.
    function rotateNodeAddress(uint32 hospitalId, address newNode) external;

    /// @notice Adds a staff address to the caller's hospital, or changes its role there. Active hospital node only.
    function addStaff(address staff, StaffRole role) external;

    /// @notice Removes a staff address from the caller's hospital. That hospital's node only.
    function removeStaff(address staff) external;

    /// @notice The hospital with this id (status `None` if unknown).
    function getHospital(uint32 hospitalId) external view returns (Hospital memory);

    /// @notice Sets the caller's hospital's exchange endpoint (1 to 256 bytes). The hospital's node only.
    function setExchangeEndpoint(string calldata endpoint) external;

    /// @notice Sets or rotates the caller's hospital's public keys: a signing key (secp256k1, P-256 or Ed25519) and an
    /// encryption key (secp256k1, P-256 or X25519), each with its type and of its type's length (secp256k1 and P-256:
    /// 33 bytes compressed or 65 uncompressed; Ed25519 and X25519: 32). The hospital's node only.
    function setKeys(
        KeyType signingKeyType,
        bytes calldata signingKey,
        KeyType encryptionKeyType,
        bytes calldata encryptionKey
    ) external;

    /// @notice A hospital's exchange endpoint and keys (empty if never set).
    function exchangeOf(uint32 hospitalId) external view returns (Exchange memory);

    /// @notice Number of hospitals registered so far (ids run from 1 to this).
    function hospitalCount() external view returns (uint32);

    /// @notice Whether the hospital exists and is active.
    function isActiveHospital(uint32 hospitalId) external view returns (bool);

    /// @notice The hospital a node address acts for (0 if none).
    function hospitalOfNode(address node) external view returns (uint32);

    /// @notice The hospital a node address acts for if that hospital is active, else 0.
    function activeHospitalOfNode(address node) external view returns (uint32);

    /// @notice A staff address's hospital and role (0 and `None` if not staff).
    function staffOf(address staff) external view returns (uint32 hospitalId, StaffRole role);

    /// @notice Whether `staff` is staff of active hospital `hospitalId` with role `role`.
    function isActiveStaff(address staff, uint32 hospitalId, StaffRole role) external view returns (bool);
}
