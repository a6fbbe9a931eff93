// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Merkle roots that anchor batches of record versions, audit entries and erasure markers.
/// @notice Leaves are `keccak256(bytes.concat(keccak256(abi.encode(uint32 hospitalId, string resourceType,
/// string id, uint64 version, bytes32 contentHash))))`, trees use sorted pairs (OpenZeppelin `MerkleProof`).
interface IRecordAnchor {
    /// @notice What a batch's leaves are.
    enum Kind {
        Records,
        Audit,
        Erasures
    }

    /// @notice Where and when a root was anchored. One storage slot.
    struct Anchor {
        uint32 hospitalId;
        uint40 anchoredAt;
        Kind kind;
    }

    /// @notice A hospital's node anchored the root of a batch of `leafCount` leaves.
    event RootAnchored(bytes32 indexed root, uint32 indexed hospitalId, Kind kind, uint32 leafCount);

    /// @notice The caller is not the node of an active hospital.
    error RecordAnchorUnauthorized(address caller);
    /// @notice The root is zero, the batch is empty or the kind is unknown.
    error RecordAnchorInvalidBatch(bytes32 root, uint32 leafCount, uint8 kind);
    /// @notice The root was anchored before.
    error RecordAnchorRootExists(bytes32 root, uint32 hospitalId);
    /// @notice The root was never anchored.
    error RecordAnchorUnknownRoot(bytes32 root);
    /// @notice The proof does not lead from the leaf to the root.
    error RecordAnchorInvalidProof(bytes32 root, bytes32 leaf);
    /// @notice The leaf claims a hospital other than the one that anchored the root.
    error RecordAnchorWrongHospital(bytes32 root, uint32 claimedHospitalId, uint32 anchoringHospitalId);

    /// @notice Anchors the root of a batch. Active hospital nodes only; a root can be anchored once.
    function anchor(bytes32 root, uint32 leafCount, Kind kind) external;

    /// @notice Where and when `root` was anchored (all zero if never).
    function anchorOf(bytes32 root) external view returns (Anchor memory);

    /// @notice Checks `proof` from `leaf` to the anchored `root`; reverts if the root is unknown or the proof fails.
    /// @return the anchor; the caller checks that the leaf's hospitalId equals `anchor.hospitalId`
    function verify(bytes32 root, bytes32[] calldata proof, bytes32 leaf) external view returns (Anchor memory);

    /// @notice Computes the leaf of a record version and verifies it, including that its hospital anchored it.
    function verifyRecord(
        bytes32 root,
        bytes32[] calldata proof,
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) external view returns (Anchor memory);

    /// @notice The leaf of a record version, as the node computes it.
    function recordLeaf(
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) external pure returns (bytes32);
}
