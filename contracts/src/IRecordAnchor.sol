// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Merkle roots that anchor a hospital's batches of record versions, erasure markers, state changes, audit
/// entries and exchange receipts.
/// @notice Roots are kept per hospital: `(hospitalId, root)`, so no member can take another's root first. A leaf says
/// what it is and whose it is inside the hashed bytes:
/// `keccak256(bytes.concat(keccak256(abi.encode(uint8 kind, uint32 hospitalId, string resourceType, string id,
/// uint64 version, bytes32 contentHash))))`, so one batch carries leaves of any kinds and a leaf of one kind never
/// verifies as another. Trees use sorted pairs (OpenZeppelin `MerkleProof`).
interface IRecordAnchor {
    /// @notice What a leaf stands for. `version` is the record's version, the last version an erasure covers, the
    /// resource's state sequence, the audit entry's sequence number or the exchange's sequence, by kind.
    enum LeafKind {
        RecordVersion,
        ErasureMarker,
        StateChange,
        AuditEntry,
        ExchangeReceipt
    }

    /// @notice A leaf's fields, as `leafOf` hashes them.
    struct Leaf {
        LeafKind kind;
        uint32 hospitalId;
        string resourceType;
        string id;
        uint64 version;
        bytes32 contentHash;
    }

    /// @notice When a root was anchored and how many leaves its batch has. One storage slot.
    struct Anchor {
        uint40 anchoredAt;
        uint32 leafCount;
    }

    /// @notice A hospital's node anchored the root of a batch of `leafCount` leaves.
    event RootAnchored(uint32 indexed hospitalId, bytes32 indexed root, uint32 leafCount);

    /// @notice The caller is not the node of an active hospital.
    error RecordAnchorUnauthorized(address caller);
    /// @notice The root is zero or the batch is empty.
    error RecordAnchorInvalidBatch(bytes32 root, uint32 leafCount);
    /// @notice The hospital anchored this root before.
    error RecordAnchorRootExists(uint32 hospitalId, bytes32 root);
    /// @notice The hospital never anchored this root.
    error RecordAnchorUnknownRoot(uint32 hospitalId, bytes32 root);
    /// @notice The proof does not lead from the leaf to the root.
    error RecordAnchorInvalidProof(bytes32 root, bytes32 leaf);

    /// @notice Anchors the root of a batch under the caller's hospital. Active hospital nodes only; a hospital
    /// anchors a root once.
    function anchor(bytes32 root, uint32 leafCount) external;

    /// @notice When `hospitalId` anchored `root`, and its leaf count (all zero if never).
    function anchorOf(uint32 hospitalId, bytes32 root) external view returns (Anchor memory);

    /// @notice Checks `proof` from `leaf` to `root` as anchored by `hospitalId`; reverts if that hospital never
    /// anchored the root or the proof fails. The caller checks that the leaf's bytes name the same hospital.
    function verify(uint32 hospitalId, bytes32 root, bytes32[] calldata proof, bytes32 leaf)
        external
        view
        returns (Anchor memory);

    /// @notice Computes `leaf`'s hash and verifies it against `root` as anchored by the hospital the leaf names.
    function verifyLeaf(bytes32 root, bytes32[] calldata proof, Leaf calldata leaf)
        external
        view
        returns (Anchor memory);

    /// @notice Verifies a record version: the leaf of kind `RecordVersion` with these fields.
    function verifyRecord(
        uint32 hospitalId,
        bytes32 root,
        bytes32[] calldata proof,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) external view returns (Anchor memory);

    /// @notice The leaf of `kind`, as the node computes it.
    function leafOf(
        LeafKind kind,
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) external pure returns (bytes32);
}
