// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {Merkle} from "./Merkle.sol";
import {IRecordAnchor} from "../src/IRecordAnchor.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

contract RecordAnchorTest is Fixture {
    IRecordAnchor.Kind internal constant RECORDS = IRecordAnchor.Kind.Records;

    struct Rec {
        uint32 hospitalId;
        string resourceType;
        string id;
        uint64 version;
        bytes32 contentHash;
    }

    function leafOf(Rec memory r) internal pure returns (bytes32) {
        return
            keccak256(bytes.concat(keccak256(abi.encode(r.hospitalId, r.resourceType, r.id, r.version, r.contentHash))));
    }

    /// @dev `n` records of hospital `hospitalId` (record 0 may be overridden by the caller).
    function records(uint32 hospitalId, uint256 n) internal pure returns (Rec[] memory recs) {
        string[4] memory types = ["Patient", "Observation", "Encounter", "AuditEvent"];
        recs = new Rec[](n);
        for (uint256 i = 0; i < n; i++) {
            recs[i] = Rec(
                hospitalId,
                types[i % 4],
                string.concat("res-", vm.toString(i)),
                uint64(i + 1),
                keccak256(abi.encode("content", i))
            );
        }
    }

    function leavesOf(Rec[] memory recs) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](recs.length);
        for (uint256 i = 0; i < recs.length; i++) {
            leaves[i] = leafOf(recs[i]);
        }
    }

    function anchorAs(address node, bytes32 root, uint256 leafCount, IRecordAnchor.Kind kind) internal {
        vm.prank(node);
        recordAnchor.anchor(root, uint32(leafCount), kind);
    }

    function verifyRecordOf(bytes32 root, bytes32[] memory proof, Rec memory r)
        internal
        view
        returns (IRecordAnchor.Anchor memory)
    {
        return recordAnchor.verifyRecord(root, proof, r.hospitalId, r.resourceType, r.id, r.version, r.contentHash);
    }

    // ---------------------------------------------------------------- anchor

    function test_directory_returnsTheDirectory() public view {
        assertEq(address(recordAnchor.directory()), address(directory), "directory");
    }

    function test_anchor_storesAnchorOfEveryKindAndEmits() public {
        IRecordAnchor.Kind[3] memory kinds = [RECORDS, IRecordAnchor.Kind.Audit, IRecordAnchor.Kind.Erasures];
        for (uint256 i = 0; i < kinds.length; i++) {
            bytes32 root = keccak256(abi.encode("root", i));
            vm.warp(T0 + i * 60);
            vm.expectEmit(address(recordAnchor));
            emit IRecordAnchor.RootAnchored(root, hospitalB, kinds[i], uint32(10 + i));
            anchorAs(nodeB, root, 10 + i, kinds[i]);
            IRecordAnchor.Anchor memory a = recordAnchor.anchorOf(root);
            assertEq(a.hospitalId, hospitalB, "hospital");
            assertEq(a.anchoredAt, T0 + i * 60, "anchoredAt");
            assertEq(uint8(a.kind), uint8(kinds[i]), "kind");
        }
    }

    function test_anchor_revertsForStranger() public {
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, stranger));
        anchorAs(stranger, keccak256("r"), 1, RECORDS);
    }

    function test_anchor_revertsForStaffAndConsortiumAdmin() public {
        address[4] memory callers = [drA, adminA, auditorA, admin];
        for (uint256 i = 0; i < callers.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, callers[i]));
            anchorAs(callers[i], keccak256("r"), 1, RECORDS);
        }
    }

    function test_anchor_revertsForSuspendedHospital() public {
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, nodeA));
        anchorAs(nodeA, keccak256("r"), 1, RECORDS);
    }

    function test_anchor_revertsForDuplicateRoot() public {
        bytes32 root = keccak256("r");
        anchorAs(nodeA, root, 3, RECORDS);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRootExists.selector, root, hospitalA));
        anchorAs(nodeA, root, 3, RECORDS);
        // also for another hospital, and for another kind
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRootExists.selector, root, hospitalA));
        anchorAs(nodeB, root, 5, IRecordAnchor.Kind.Audit);
        assertEq(recordAnchor.anchorOf(root).hospitalId, hospitalA, "first anchor kept");
    }

    function test_anchor_revertsForZeroRoot() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidBatch.selector, bytes32(0), uint32(4), uint8(1))
        );
        anchorAs(nodeA, bytes32(0), 4, IRecordAnchor.Kind.Audit);
    }

    function test_anchor_revertsForZeroLeafCount() public {
        bytes32 root = keccak256("r");
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidBatch.selector, root, uint32(0), uint8(2))
        );
        anchorAs(nodeA, root, 0, IRecordAnchor.Kind.Erasures);
    }

    function test_anchor_revertsForUnknownKind() public {
        vm.prank(nodeA);
        (bool ok,) = address(recordAnchor)
            .call(abi.encodeWithSelector(IRecordAnchor.anchor.selector, keccak256("r"), uint32(1), uint256(3)));
        assertFalse(ok, "kind 3 must not decode");
        assertEq(recordAnchor.anchorOf(keccak256("r")).hospitalId, 0, "nothing anchored");
    }

    function test_anchor_survivesSuspensionOfAnchoringHospital() public {
        Rec[] memory recs = records(hospitalA, 3);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 3, RECORDS);
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        assertEq(verifyRecordOf(root, Merkle.proof(leaves, 1), recs[1]).hospitalId, hospitalA, "still verifiable");
    }

    function test_anchorOf_returnsZeroForUnknownRoot() public view {
        IRecordAnchor.Anchor memory a = recordAnchor.anchorOf(keccak256("nothing"));
        assertEq(a.hospitalId, 0, "hospital");
        assertEq(a.anchoredAt, 0, "anchoredAt");
        assertEq(uint8(a.kind), 0, "kind");
    }

    // ---------------------------------------------------------------- recordLeaf

    function test_recordLeaf_equalsDoubleHashOfAbiEncodedRecord() public view {
        Rec memory r = Rec(7, "Observation", "obs-42", 3, keccak256("{\"resourceType\":\"Observation\"}"));
        bytes32 expected = keccak256(
            bytes.concat(keccak256(abi.encode(uint32(7), "Observation", "obs-42", uint64(3), r.contentHash)))
        );
        assertEq(
            recordAnchor.recordLeaf(r.hospitalId, r.resourceType, r.id, r.version, r.contentHash), expected, "leaf"
        );
        assertEq(leafOf(r), expected, "test helper");
        assertNotEq(
            recordAnchor.recordLeaf(r.hospitalId, r.resourceType, r.id, r.version + 1, r.contentHash),
            expected,
            "version is part of the leaf"
        );
    }

    // ---------------------------------------------------------------- verify / verifyRecord

    function test_verify_acceptsEveryLeafOfTreesOfSeveralSizes() public {
        uint256[7] memory sizes = [uint256(1), 2, 3, 4, 5, 7, 13];
        for (uint256 s = 0; s < sizes.length; s++) {
            Rec[] memory recs = records(hospitalA, sizes[s]);
            recs[0].contentHash = keccak256(abi.encode("size", s)); // distinct roots
            bytes32[] memory leaves = leavesOf(recs);
            bytes32 root = Merkle.root(leaves);
            anchorAs(nodeA, root, leaves.length, RECORDS);
            for (uint256 i = 0; i < leaves.length; i++) {
                bytes32[] memory proof = Merkle.proof(leaves, i);
                assertEq(Merkle.process(proof, leaves[i]), root, "helper proof");
                IRecordAnchor.Anchor memory a = recordAnchor.verify(root, proof, leaves[i]);
                assertEq(a.hospitalId, hospitalA, "verify");
                a = verifyRecordOf(root, proof, recs[i]);
                assertEq(a.hospitalId, hospitalA, "verifyRecord");
                assertEq(a.anchoredAt, T0, "anchoredAt");
            }
        }
    }

    function test_verify_revertsForUnknownRoot() public {
        bytes32 root = keccak256("never anchored");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownRoot.selector, root));
        recordAnchor.verify(root, new bytes32[](0), root);
    }

    function test_verify_revertsForInvalidProof() public {
        bytes32[] memory leaves = leavesOf(records(hospitalA, 6));
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 6, RECORDS);

        // proof of another leaf
        bytes32[] memory proof = Merkle.proof(leaves, 2);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, leaves[3]));
        recordAnchor.verify(root, proof, leaves[3]);

        // a leaf not in the tree
        bytes32 outsider = keccak256("outsider");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, outsider));
        recordAnchor.verify(root, proof, outsider);

        // an empty proof
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, leaves[0]));
        recordAnchor.verify(root, new bytes32[](0), leaves[0]);
    }

    /// @dev `verify` checks a path, not what the leaf is: an inner node with a shortened proof passes. That is why
    /// record leaves are double-hashed: no record's leaf can equal an inner node, so `verifyRecord` is not fooled.
    function test_verify_acceptsInnerNodeSoRecordLeavesAreDoubleHashed() public {
        Rec[] memory recs = records(hospitalA, 6);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 6, RECORDS);
        bytes32 inner = Merkle.hashPair(leaves[0], leaves[1]);
        bytes32[] memory upper = Merkle.proof(leaves, 0);
        bytes32[] memory shortened = new bytes32[](upper.length - 1);
        for (uint256 i = 1; i < upper.length; i++) {
            shortened[i - 1] = upper[i];
        }
        assertEq(Merkle.process(shortened, inner), root, "inner node proves");
        assertEq(recordAnchor.verify(root, shortened, inner).hospitalId, hospitalA, "path accepted");
        assertEq(verifyRecordOf(root, Merkle.proof(leaves, 0), recs[0]).hospitalId, hospitalA, "record accepted");
        // the single-hashed form of a record (what a naive leaf would be) is not in the tree
        Rec memory r = recs[0];
        bytes32 singleHashed = keccak256(abi.encode(r.hospitalId, r.resourceType, r.id, r.version, r.contentHash));
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, singleHashed));
        recordAnchor.verify(root, Merkle.proof(leaves, 0), singleHashed);
    }

    function test_verifyRecord_revertsForTamperedRecord() public {
        Rec[] memory recs = records(hospitalA, 4);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 4, RECORDS);
        bytes32[] memory proof = Merkle.proof(leaves, 1);

        Rec memory tampered = recs[1];
        tampered.contentHash = keccak256("edited after anchoring");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, leafOf(tampered)));
        verifyRecordOf(root, proof, tampered);
    }

    function test_verifyRecord_revertsForLeafClaimingAnotherHospital() public {
        Rec[] memory recs = records(hospitalA, 5);
        recs[3].hospitalId = hospitalB; // hospital A anchors a leaf that claims hospital B
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 5, RECORDS);
        bytes32[] memory proof = Merkle.proof(leaves, 3);

        assertEq(recordAnchor.verify(root, proof, leaves[3]).hospitalId, hospitalA, "path is valid");
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorWrongHospital.selector, root, hospitalB, hospitalA)
        );
        verifyRecordOf(root, proof, recs[3]);
    }

    function test_verifyRecord_revertsForUnknownRoot() public {
        Rec memory r = records(hospitalA, 1)[0];
        bytes32 root = keccak256("never anchored");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownRoot.selector, root));
        verifyRecordOf(root, new bytes32[](0), r);
    }

    // ---------------------------------------------------------------- fuzz

    function _randomLeaves(bytes32 seed, uint256 n) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            leaves[i] = keccak256(bytes.concat(keccak256(abi.encode(seed, i))));
        }
    }

    function testFuzz_merkle_everyProofOfRandomTreeVerifies(bytes32 seed, uint8 size) public {
        uint256 n = bound(size, 1, 32);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeB, root, n, IRecordAnchor.Kind.Audit);
        for (uint256 i = 0; i < n; i++) {
            assertEq(recordAnchor.verify(root, Merkle.proof(leaves, i), leaves[i]).hospitalId, hospitalB, "verify");
        }
    }

    function testFuzz_merkle_flippedProofElementFails(
        bytes32 seed,
        uint8 size,
        uint8 leafIndex,
        uint8 element,
        uint8 bit
    ) public {
        uint256 n = bound(size, 2, 32);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, n, RECORDS);
        uint256 i = bound(leafIndex, 0, n - 1);
        bytes32[] memory proof = Merkle.proof(leaves, i);
        assertTrue(proof.length > 0, "non-trivial proof");
        uint256 e = bound(element, 0, proof.length - 1);
        proof[e] = proof[e] ^ bytes32(uint256(1) << bit);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, leaves[i]));
        recordAnchor.verify(root, proof, leaves[i]);
    }

    function testFuzz_recordLeaf_matchesDocumentedEncoding(
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) public view {
        assertEq(
            recordAnchor.recordLeaf(hospitalId, resourceType, id, version, contentHash),
            keccak256(bytes.concat(keccak256(abi.encode(hospitalId, resourceType, id, version, contentHash)))),
            "leaf"
        );
    }
}
