// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IHospitalDirectory} from "./IHospitalDirectory.sol";
import {IRecordAnchor} from "./IRecordAnchor.sol";

/// @title RecordAnchor
/// @notice Active hospitals' nodes anchor Merkle roots, each under its own hospital; anyone verifies a leaf against a
/// hospital's anchored root.
contract RecordAnchor is IRecordAnchor {
    /// @notice The version of the consortium's contracts this belongs to.
    uint256 public constant VERSION = 2;

    IHospitalDirectory private immutable _directory;
    mapping(uint32 hospitalId => mapping(bytes32 root => Anchor)) private _anchors;

    constructor(IHospitalDirectory directory_) {
        _directory = directory_;
    }

    /// @notice The directory this contract checks nodes against.
    function directory() external view returns (IHospitalDirectory) {
        return _directory;
    }

    /// @inheritdoc IRecordAnchor
    function anchor(bytes32 root, uint32 leafCount) external {
        uint32 hospitalId = _directory.activeHospitalOfNode(msg.sender);
        if (hospitalId == 0) revert RecordAnchorUnauthorized(msg.sender);
        if (root == bytes32(0) || leafCount == 0) revert RecordAnchorInvalidBatch(root, leafCount);
        Anchor storage slot = _anchors[hospitalId][root];
        if (slot.anchoredAt != 0) revert RecordAnchorRootExists(hospitalId, root);
        _anchors[hospitalId][root] = Anchor(uint40(block.timestamp), leafCount);
        emit RootAnchored(hospitalId, root, leafCount);
    }

    /// @inheritdoc IRecordAnchor
    function anchorOf(uint32 hospitalId, bytes32 root) external view returns (Anchor memory) {
        return _anchors[hospitalId][root];
    }

    /// @inheritdoc IRecordAnchor
    function verify(uint32 hospitalId, bytes32 root, bytes32[] calldata proof, bytes32 leaf)
        public
        view
        returns (Anchor memory found)
    {
        found = _anchors[hospitalId][root];
        if (found.anchoredAt == 0) revert RecordAnchorUnknownRoot(hospitalId, root);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert RecordAnchorInvalidProof(root, leaf);
    }

    /// @inheritdoc IRecordAnchor
    function verifyLeaf(bytes32 root, bytes32[] calldata proof, Leaf calldata leaf)
        external
        view
        returns (Anchor memory)
    {
        return verify(
            leaf.hospitalId,
            root,
            proof,
            leafOf(leaf.kind, leaf.hospitalId, leaf.resourceType, leaf.id, leaf.version, leaf.contentHash)
        );
    }

    /// @inheritdoc IRecordAnchor
    function verifyRecord(
        uint32 hospitalId,
        bytes32 root,
        bytes32[] calldata proof,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) external view returns (Anchor memory) {
        bytes32 leaf = leafOf(LeafKind.RecordVersion, hospitalId, resourceType, id, version, contentHash);
        return verify(hospitalId, root, proof, leaf);
    }

    /// @inheritdoc IRecordAnchor
    function leafOf(
        LeafKind kind,
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) public pure returns (bytes32) {
        return keccak256(
            bytes.concat(keccak256(abi.encode(uint8(kind), hospitalId, resourceType, id, version, contentHash)))
        );
    }
}
