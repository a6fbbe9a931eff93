// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IHospitalDirectory} from "./IHospitalDirectory.sol";
import {IRecordAnchor} from "./IRecordAnchor.sol";

/// @title RecordAnchor
/// @notice Active hospitals' nodes anchor Merkle roots; anyone verifies a leaf against an anchored root.
contract RecordAnchor is IRecordAnchor {
    IHospitalDirectory private immutable _directory;
    mapping(bytes32 root => Anchor) private _anchors;

    constructor(IHospitalDirectory directory_) {
        _directory = directory_;
    }

    /// @notice The directory this contract checks nodes against.
    function directory() external view returns (IHospitalDirectory) {
        return _directory;
    }

    /// @inheritdoc IRecordAnchor
    function anchor(bytes32 root, uint32 leafCount, Kind kind) external {
        uint32 hospitalId = _directory.activeHospitalOfNode(msg.sender);
        if (hospitalId == 0) revert RecordAnchorUnauthorized(msg.sender);
        if (root == bytes32(0) || leafCount == 0) revert RecordAnchorInvalidBatch(root, leafCount, uint8(kind));
        uint32 existing = _anchors[root].hospitalId;
        if (existing != 0) revert RecordAnchorRootExists(root, existing);
        _anchors[root] = Anchor(hospitalId, uint40(block.timestamp), kind);
        emit RootAnchored(root, hospitalId, kind, leafCount);
    }

    /// @inheritdoc IRecordAnchor
    function anchorOf(bytes32 root) external view returns (Anchor memory) {
        return _anchors[root];
    }

    /// @inheritdoc IRecordAnchor
    function verify(bytes32 root, bytes32[] calldata proof, bytes32 leaf) public view returns (Anchor memory found) {
        found = _anchors[root];
        if (found.hospitalId == 0) revert RecordAnchorUnknownRoot(root);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert RecordAnchorInvalidProof(root, leaf);
    }

    /// @inheritdoc IRecordAnchor
    function verifyRecord(
        bytes32 root,
        bytes32[] calldata proof,
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) external view returns (Anchor memory found) {
        found = verify(root, proof, recordLeaf(hospitalId, resourceType, id, version, contentHash));
        if (found.hospitalId != hospitalId) revert RecordAnchorWrongHospital(root, hospitalId, found.hospitalId);
    }

    /// @inheritdoc IRecordAnchor
    function recordLeaf(
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(hospitalId, resourceType, id, version, contentHash))));
    }
}
