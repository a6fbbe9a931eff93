// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {Merkle} from "./Merkle.sol";
import {IRecordAnchor} from "../src/IRecordAnchor.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

contract RecordAnchorTest is Fixture {
    IRecordAnchor.LeafKind internal constant RECORD = IRecordAnchor.LeafKind.RecordVersion;
    IRecordAnchor.LeafKind internal constant ERASURE = IRecordAnchor.LeafKind.ErasureMarker;
    uint256 internal constant KINDS = 5;

    /// @dev The documented leaf encoding, computed independently of the contract.
    function leafOf(IRecordAnchor.Leaf memory r) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(uint8(r.kind), r.hospitalId, r.resourceType, r.id, r.version, r.contentHash))
            )
        );
    }

    /// @dev `n` record versions of hospital `hospitalId` (the caller may override any field).
    function records(uint32 hospitalId, uint256 n) internal pure returns (IRecordAnchor.Leaf[] memory recs) {
        string[4] memory types = ["Patient", "Observation", "Encounter", "AuditEvent"];
        recs = new IRecordAnchor.Leaf[](n);
        for (uint256 i = 0; i < n; i++) {
            recs[i] = IRecordAnchor.Leaf(
                RECORD,
                hospitalId,
                types[i % 4],
                string.concat("res-", vm.toString(i)),
                uint64(i + 1),
                keccak256(abi.encode("content", i))
            );
        }
    }

    function leavesOf(IRecordAnchor.Leaf[] memory recs) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](recs.length);
        for (uint256 i = 0; i < recs.length; i++) {
            leaves[i] = leafOf(recs[i]);
        }
    }

    function kindOf(uint256 k) internal pure returns (IRecordAnchor.LeafKind) {
        return IRecordAnchor.LeafKind(uint8(k));
    }

    /// @dev A copy of `r` that names hospital `hospitalId`.
    function withHospital(IRecordAnchor.Leaf memory r, uint32 hospitalId)
        internal
        pure
        returns (IRecordAnchor.Leaf memory)
    {
        return IRecordAnchor.Leaf(r.kind, hospitalId, r.resourceType, r.id, r.version, r.contentHash);
    }

    /// @dev A copy of `r` of kind `kind`.
    function withKind(IRecordAnchor.Leaf memory r, IRecordAnchor.LeafKind kind)
        internal
        pure
        returns (IRecordAnchor.Leaf memory)
    {
        return IRecordAnchor.Leaf(kind, r.hospitalId, r.resourceType, r.id, r.version, r.contentHash);
    }

    function anchorAs(address node, bytes32 root, uint256 leafCount) internal {
        vm.prank(node);
        recordAnchor.anchor(root, uint32(leafCount));
    }

    /// @dev `verifyRecord` against `root` as anchored by `r.hospitalId` (the leaf is computed as a record version).
    function verifyRecordOf(bytes32 root, bytes32[] memory proof, IRecordAnchor.Leaf memory r)
        internal
        view
        returns (IRecordAnchor.Anchor memory)
    {
        return recordAnchor.verifyRecord(r.hospitalId, root, proof, r.resourceType, r.id, r.version, r.contentHash);
    }

    /// @dev `verifyLeaf`: `r` of `r.kind` against `root` as anchored by `r.hospitalId`, the hospital the leaf names.
    function verifyLeafOf(bytes32 root, bytes32[] memory proof, IRecordAnchor.Leaf memory r)
        internal
        view
        returns (IRecordAnchor.Anchor memory)
    {
        return recordAnchor.verifyLeaf(root, proof, r);
    }

    function assertAnchor(IRecordAnchor.Anchor memory a, uint256 anchoredAt, uint256 leafCount, string memory what)
        internal
        pure
    {
        assertEq(a.anchoredAt, anchoredAt, string.concat(what, ": anchoredAt"));
        assertEq(a.leafCount, leafCount, string.concat(what, ": leafCount"));
    }

    function invalidProof(bytes32 root, bytes32 leaf) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidProof.selector, root, leaf);
    }

    function unknownRoot(uint32 hospitalId, bytes32 root) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownRoot.selector, hospitalId, root);
    }

    // ---------------------------------------------------------------- anchor

    function test_directory_returnsTheDirectory() public view {
        assertEq(address(recordAnchor.directory()), address(directory), "directory");
    }

    function test_version_isTwo() public view {
        assertEq(recordAnchor.VERSION(), 2, "VERSION");
    }

    function test_anchor_storesAnchoredAtAndLeafCountPerHospitalAndEmits() public {
        for (uint256 i = 0; i < 3; i++) {
            bytes32 root = keccak256(abi.encode("root", i));
            vm.warp(T0 + i * 60);
            vm.expectEmit(address(recordAnchor));
            emit IRecordAnchor.RootAnchored(hospitalB, root, uint32(10 + i));
            anchorAs(nodeB, root, 10 + i);
            assertAnchor(recordAnchor.anchorOf(hospitalB, root), T0 + i * 60, 10 + i, "B");
            assertAnchor(recordAnchor.anchorOf(hospitalA, root), 0, 0, "A has nothing");
        }
    }

    function test_anchor_storesMaximalLeafCount() public {
        bytes32 root = keccak256("big batch");
        anchorAs(nodeA, root, type(uint32).max);
        assertAnchor(recordAnchor.anchorOf(hospitalA, root), T0, type(uint32).max, "A");
    }

    function test_anchor_revertsForStranger() public {
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, stranger));
        anchorAs(stranger, keccak256("r"), 1);
    }

    function test_anchor_revertsForStaffAndConsortiumAdmin() public {
        address[4] memory callers = [drA, adminA, auditorA, admin];
        for (uint256 i = 0; i < callers.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, callers[i]));
            anchorAs(callers[i], keccak256("r"), 1);
        }
    }

    function test_anchor_revertsForSuspendedHospital() public {
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, nodeA));
        anchorAs(nodeA, keccak256("r"), 1);
        assertAnchor(recordAnchor.anchorOf(hospitalA, keccak256("r")), 0, 0, "nothing anchored");
    }

    function test_anchor_revertsForZeroRoot() public {
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidBatch.selector, bytes32(0), uint32(4)));
        anchorAs(nodeA, bytes32(0), 4);
    }

    function test_anchor_revertsForZeroLeafCount() public {
        bytes32 root = keccak256("r");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidBatch.selector, root, uint32(0)));
        anchorAs(nodeA, root, 0);
        assertAnchor(recordAnchor.anchorOf(hospitalA, root), 0, 0, "nothing anchored");
    }

    function test_anchor_revertsForSameHospitalAnchoringSameRootTwice() public {
        bytes32 root = keccak256("r");
        anchorAs(nodeA, root, 3);
        vm.warp(T0 + 60);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRootExists.selector, hospitalA, root));
        anchorAs(nodeA, root, 7);
        assertAnchor(recordAnchor.anchorOf(hospitalA, root), T0, 3, "first anchor kept");
    }

    function test_anchor_sameRootOfTwoHospitalsIsKeptApart() public {
        bytes32 root = keccak256("r");
        anchorAs(nodeA, root, 3);
        vm.warp(T0 + 60);
        anchorAs(nodeB, root, 8);
        assertAnchor(recordAnchor.anchorOf(hospitalA, root), T0, 3, "A");
        assertAnchor(recordAnchor.anchorOf(hospitalB, root), T0 + 60, 8, "B");
        // each hospital still anchors it once
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRootExists.selector, hospitalA, root));
        anchorAs(nodeA, root, 3);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRootExists.selector, hospitalB, root));
        anchorAs(nodeB, root, 8);
    }

    function test_anchor_v1SignatureWithBatchKindIsGone() public {
        vm.prank(nodeA);
        (bool ok,) = address(recordAnchor)
            .call(abi.encodeWithSignature("anchor(bytes32,uint32,uint8)", keccak256("r"), uint32(1), uint8(0)));
        assertFalse(ok, "v1 anchor must not exist");
        assertAnchor(recordAnchor.anchorOf(hospitalA, keccak256("r")), 0, 0, "nothing anchored");
    }

    function test_anchor_survivesSuspensionOfAnchoringHospital() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalA, 3);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 3);
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        assertAnchor(verifyRecordOf(root, Merkle.proof(leaves, 1), recs[1]), T0, 3, "still verifiable");
    }

    function test_anchorOf_returnsZeroForUnknownRootOrHospital() public view {
        assertAnchor(recordAnchor.anchorOf(hospitalA, keccak256("nothing")), 0, 0, "unknown root");
        assertAnchor(recordAnchor.anchorOf(0, keccak256("nothing")), 0, 0, "hospital 0");
        assertAnchor(recordAnchor.anchorOf(42, keccak256("nothing")), 0, 0, "unknown hospital");
    }

    // ---------------------------------------------------------------- root squatting

    /// @dev Hospital A sees hospital B's root (e.g. in the mempool) and anchors it first. Under v1 that would have
    /// stalled B for good; now B's anchor goes through, and A's copy of the root gives A nothing over B's leaves.
    function test_anchor_squattedRootDoesNotBlockVictim() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalB, 5);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);

        anchorAs(nodeA, root, 1); // the squatter front-runs, with a bogus leaf count
        vm.warp(T0 + 12);
        vm.expectEmit(address(recordAnchor));
        emit IRecordAnchor.RootAnchored(hospitalB, root, 5);
        anchorAs(nodeB, root, 5);

        assertAnchor(recordAnchor.anchorOf(hospitalB, root), T0 + 12, 5, "B's anchor is B's");
        assertAnchor(recordAnchor.anchorOf(hospitalA, root), T0, 1, "A's copy");

        for (uint256 i = 0; i < leaves.length; i++) {
            bytes32[] memory proof = Merkle.proof(leaves, i);
            assertAnchor(verifyRecordOf(root, proof, recs[i]), T0 + 12, 5, "verifyRecord under B");
            assertAnchor(verifyLeafOf(root, proof, recs[i]), T0 + 12, 5, "verifyLeaf under B");
            assertAnchor(recordAnchor.verify(hospitalB, root, proof, leaves[i]), T0 + 12, 5, "verify under B");

            // "as A": the leaf computed for A differs from B's leaf, so A's anchor of the same root does not help
            IRecordAnchor.Leaf memory asA = withHospital(recs[i], hospitalA);
            assertNotEq(leafOf(asA), leaves[i], "the hospital is inside the leaf");
            vm.expectRevert(invalidProof(root, leafOf(asA)));
            verifyRecordOf(root, proof, asA);
            vm.expectRevert(invalidProof(root, leafOf(asA)));
            verifyLeafOf(root, proof, asA);
        }
    }

    /// @dev The victim may even anchor before the squatter: the order does not matter, nor does the leaf count.
    function test_anchor_squatterAnchoringLaterChangesNothingForVictim() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalB, 4);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeB, root, 4);
        vm.warp(T0 + 60);
        anchorAs(nodeA, root, 1000);
        assertAnchor(recordAnchor.anchorOf(hospitalB, root), T0, 4, "B");
        assertAnchor(verifyRecordOf(root, Merkle.proof(leaves, 2), recs[2]), T0, 4, "B's leaf under B");
    }

    /// @dev The converse: a proof of one of A's leaves does not verify under (B, root), even though B anchored the
    /// very same root.
    function test_verifyRecord_leafOfHospitalADoesNotVerifyUnderBWithSameRoot() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalA, 6);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 6);
        anchorAs(nodeB, root, 6);
        for (uint256 i = 0; i < leaves.length; i++) {
            bytes32[] memory proof = Merkle.proof(leaves, i);
            assertAnchor(verifyRecordOf(root, proof, recs[i]), T0, 6, "A's leaf under A");
            IRecordAnchor.Leaf memory asB = withHospital(recs[i], hospitalB);
            vm.expectRevert(invalidProof(root, leafOf(asB)));
            verifyRecordOf(root, proof, asB);
            vm.expectRevert(invalidProof(root, leafOf(asB)));
            verifyLeafOf(root, proof, asB);
        }
    }

    /// @dev `verify` takes a ready leaf and checks the path only, as its documentation says: under (A, root) it
    /// accepts B's leaf if A anchored the same root. So a caller of `verify` must check that the leaf's bytes name
    /// the hospital it verifies under; `verifyRecord` computes the leaf for the hospital it verifies under, and
    /// `verifyLeaf` verifies under the hospital the leaf names, so neither can be fooled this way.
    function test_verify_checksThePathOnlySoTheCallerChecksTheLeafsHospital() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalB, 3);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 3);
        anchorAs(nodeB, root, 3);
        bytes32[] memory proof = Merkle.proof(leaves, 1);
        assertAnchor(recordAnchor.verify(hospitalA, root, proof, leaves[1]), T0, 3, "path under A");
        IRecordAnchor.Leaf memory asA = withHospital(recs[1], hospitalA);
        vm.expectRevert(invalidProof(root, leafOf(asA)));
        verifyRecordOf(root, proof, asA);
        vm.expectRevert(invalidProof(root, leafOf(asA)));
        verifyLeafOf(root, proof, asA);
    }

    /// @dev A hospital that plants a leaf naming another hospital in its own batch gets it verified under neither.
    function test_verifyRecord_forgedLeafNamingAnotherHospitalVerifiesUnderNeither() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalA, 5);
        recs[3].hospitalId = hospitalB; // hospital A anchors a leaf that claims hospital B
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 5);
        bytes32[] memory proof = Merkle.proof(leaves, 3);

        vm.expectRevert(unknownRoot(hospitalB, root));
        verifyRecordOf(root, proof, recs[3]);
        IRecordAnchor.Leaf memory asA = withHospital(recs[3], hospitalA);
        vm.expectRevert(invalidProof(root, leafOf(asA)));
        verifyRecordOf(root, proof, asA);
    }

    function testFuzz_anchor_squattingNeverBlocksOtherHospital(
        bytes32 root,
        uint32 firstCount,
        uint32 secondCount,
        uint32 delay,
        bool aFirst
    ) public {
        vm.assume(root != bytes32(0));
        uint256 c1 = bound(firstCount, 1, type(uint32).max);
        uint256 c2 = bound(secondCount, 1, type(uint32).max);
        uint256 d = bound(delay, 0, 365 days);
        (address firstNode, uint32 first, address secondNode, uint32 second) =
            aFirst ? (nodeA, hospitalA, nodeB, hospitalB) : (nodeB, hospitalB, nodeA, hospitalA);

        anchorAs(firstNode, root, c1);
        vm.warp(T0 + d);
        anchorAs(secondNode, root, c2); // a revert here fails the test

        assertAnchor(recordAnchor.anchorOf(first, root), T0, c1, "first");
        assertAnchor(recordAnchor.anchorOf(second, root), T0 + d, c2, "second");
    }

    /// @dev Anchoring by A, of a root of its own or one that B already anchored, never changes B's anchors.
    function testFuzz_anchor_neverChangesAnotherHospitalsAnchors(
        bytes32 rootB1,
        bytes32 rootB2,
        bytes32 ownRoot,
        uint8 pick,
        uint32 countA
    ) public {
        vm.assume(rootB1 != bytes32(0) && rootB2 != bytes32(0) && ownRoot != bytes32(0) && rootB1 != rootB2);
        anchorAs(nodeB, rootB1, 7);
        vm.warp(T0 + 60);
        anchorAs(nodeB, rootB2, 9);
        vm.warp(T0 + 120);

        bytes32 rootA = pick % 3 == 0 ? rootB1 : pick % 3 == 1 ? rootB2 : ownRoot;
        uint256 c = bound(countA, 1, type(uint32).max);
        anchorAs(nodeA, rootA, c);

        assertAnchor(recordAnchor.anchorOf(hospitalA, rootA), T0 + 120, c, "A");
        assertAnchor(recordAnchor.anchorOf(hospitalB, rootB1), T0, 7, "B1");
        assertAnchor(recordAnchor.anchorOf(hospitalB, rootB2), T0 + 60, 9, "B2");
        if (rootA != rootB1 && rootA != rootB2) {
            assertAnchor(recordAnchor.anchorOf(hospitalB, rootA), 0, 0, "B never anchored A's root");
        }
    }

    // ---------------------------------------------------------------- leaf kinds

    /// @dev An erasure marker with the same hospital, type, id, version and hash as a record version is a different
    /// leaf: it does not pass as that record version, and verifies as what it is.
    function test_verifyRecord_rejectsErasureMarkerWithSameFields() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalA, 4);
        recs[2].kind = ERASURE;
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 4);
        bytes32[] memory proof = Merkle.proof(leaves, 2);

        IRecordAnchor.Leaf memory asRecord = withKind(recs[2], RECORD);
        assertNotEq(leafOf(asRecord), leaves[2], "the kind is inside the leaf");
        vm.expectRevert(invalidProof(root, leafOf(asRecord)));
        verifyRecordOf(root, proof, recs[2]);
        vm.expectRevert(invalidProof(root, leafOf(asRecord)));
        verifyLeafOf(root, proof, asRecord);

        assertAnchor(verifyLeafOf(root, proof, recs[2]), T0, 4, "verifyLeaf as ErasureMarker");
        // the record versions of the same batch still verify as records
        assertAnchor(verifyRecordOf(root, Merkle.proof(leaves, 1), recs[1]), T0, 4, "record in mixed batch");
    }

    /// @dev One batch with the same fields under all five kinds, plus ordinary leaves of each kind: every leaf
    /// verifies with its own kind and with no other.
    function test_verifyLeaf_mixedBatchVerifiesEachLeafWithItsOwnKindOnly() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalB, 2 * KINDS);
        for (uint256 i = 0; i < KINDS; i++) {
            recs[i] = IRecordAnchor.Leaf(kindOf(i), hospitalB, "Observation", "obs-1", 4, keccak256("same content"));
            recs[KINDS + i].kind = kindOf(i);
        }
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeB, root, leaves.length);

        for (uint256 i = 0; i < leaves.length; i++) {
            bytes32[] memory proof = Merkle.proof(leaves, i);
            assertEq(
                recordAnchor.leafOf(
                    recs[i].kind, hospitalB, recs[i].resourceType, recs[i].id, recs[i].version, recs[i].contentHash
                ),
                leaves[i],
                "leafOf"
            );
            for (uint256 k = 0; k < KINDS; k++) {
                IRecordAnchor.Leaf memory asK = withKind(recs[i], kindOf(k));
                if (asK.kind == recs[i].kind) {
                    assertAnchor(verifyLeafOf(root, proof, asK), T0, leaves.length, "own kind");
                } else {
                    vm.expectRevert(invalidProof(root, leafOf(asK)));
                    verifyLeafOf(root, proof, asK);
                }
            }
            if (recs[i].kind == RECORD) {
                assertAnchor(verifyRecordOf(root, proof, recs[i]), T0, leaves.length, "verifyRecord");
            } else {
                vm.expectRevert(invalidProof(root, leafOf(withKind(recs[i], RECORD))));
                verifyRecordOf(root, proof, recs[i]);
            }
        }
    }

    function testFuzz_verifyLeaf_leafVerifiesOnlyWithItsOwnKind(
        uint8 kindSeed,
        uint8 otherSeed,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash,
        bytes32 seed
    ) public {
        IRecordAnchor.LeafKind kind = kindOf(bound(kindSeed, 0, KINDS - 1));
        IRecordAnchor.LeafKind other = kindOf((uint8(kind) + bound(otherSeed, 1, KINDS - 1)) % KINDS);
        IRecordAnchor.Leaf memory r = IRecordAnchor.Leaf(kind, hospitalA, resourceType, id, version, contentHash);
        bytes32[] memory leaves = new bytes32[](3);
        leaves[0] = keccak256(bytes.concat(keccak256(abi.encode(seed, 0))));
        leaves[1] = leafOf(r);
        leaves[2] = keccak256(bytes.concat(keccak256(abi.encode(seed, 2))));
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 3);
        bytes32[] memory proof = Merkle.proof(leaves, 1);

        assertAnchor(verifyLeafOf(root, proof, r), T0, 3, "own kind");
        IRecordAnchor.Leaf memory asOther = withKind(r, other);
        vm.expectRevert(invalidProof(root, leafOf(asOther)));
        verifyLeafOf(root, proof, asOther);
    }

    function test_leafOf_revertsForKindOutOfRange() public view {
        (bool ok,) = address(recordAnchor)
            .staticcall(
                abi.encodeWithSelector(
                    IRecordAnchor.leafOf.selector, uint256(KINDS), hospitalA, "Patient", "p-1", uint64(1), bytes32(0)
                )
            );
        assertFalse(ok, "kind 5 must not decode");
    }

    // ---------------------------------------------------------------- leafOf

    function test_leafOf_equalsDoubleHashOfAbiEncodedLeaf() public view {
        IRecordAnchor.Leaf memory r =
            IRecordAnchor.Leaf(ERASURE, 7, "Observation", "obs-42", 3, keccak256("{\"resourceType\":\"Observation\"}"));
        bytes32 expected = keccak256(
            bytes.concat(keccak256(abi.encode(uint8(1), uint32(7), "Observation", "obs-42", uint64(3), r.contentHash)))
        );
        assertEq(
            recordAnchor.leafOf(r.kind, r.hospitalId, r.resourceType, r.id, r.version, r.contentHash), expected, "leaf"
        );
        assertEq(leafOf(r), expected, "test helper");
        assertNotEq(
            recordAnchor.leafOf(r.kind, r.hospitalId, r.resourceType, r.id, r.version + 1, r.contentHash),
            expected,
            "version is part of the leaf"
        );
        assertNotEq(
            recordAnchor.leafOf(r.kind, r.hospitalId + 1, r.resourceType, r.id, r.version, r.contentHash),
            expected,
            "hospital is part of the leaf"
        );
        assertNotEq(
            recordAnchor.leafOf(RECORD, r.hospitalId, r.resourceType, r.id, r.version, r.contentHash),
            expected,
            "kind is part of the leaf"
        );
    }

    function testFuzz_leafOf_matchesDocumentedEncoding(
        uint8 kindSeed,
        uint32 hospitalId,
        string calldata resourceType,
        string calldata id,
        uint64 version,
        bytes32 contentHash
    ) public view {
        uint8 k = uint8(bound(kindSeed, 0, KINDS - 1));
        assertEq(
            recordAnchor.leafOf(kindOf(k), hospitalId, resourceType, id, version, contentHash),
            keccak256(bytes.concat(keccak256(abi.encode(k, hospitalId, resourceType, id, version, contentHash)))),
            "leaf"
        );
    }

    // ---------------------------------------------------------------- verify / verifyLeaf / verifyRecord

    function test_verify_acceptsEveryLeafOfTreesOfSeveralSizes() public {
        uint256[7] memory sizes = [uint256(1), 2, 3, 4, 5, 7, 13];
        for (uint256 s = 0; s < sizes.length; s++) {
            IRecordAnchor.Leaf[] memory recs = records(hospitalA, sizes[s]);
            recs[0].contentHash = keccak256(abi.encode("size", s)); // distinct roots
            bytes32[] memory leaves = leavesOf(recs);
            bytes32 root = Merkle.root(leaves);
            anchorAs(nodeA, root, leaves.length);
            for (uint256 i = 0; i < leaves.length; i++) {
                bytes32[] memory proof = Merkle.proof(leaves, i);
                assertEq(Merkle.process(proof, leaves[i]), root, "helper proof");
                assertAnchor(recordAnchor.verify(hospitalA, root, proof, leaves[i]), T0, leaves.length, "verify");
                assertAnchor(verifyLeafOf(root, proof, recs[i]), T0, leaves.length, "verifyLeaf");
                assertAnchor(verifyRecordOf(root, proof, recs[i]), T0, leaves.length, "verifyRecord");
            }
        }
    }

    function test_verify_revertsForUnknownRoot() public {
        bytes32 root = keccak256("never anchored");
        vm.expectRevert(unknownRoot(hospitalA, root));
        recordAnchor.verify(hospitalA, root, new bytes32[](0), root);
    }

    function test_verify_revertsForRootAnchoredOnlyByAnotherHospital() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalB, 3);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeB, root, 3);
        bytes32[] memory proof = Merkle.proof(leaves, 0);

        vm.expectRevert(unknownRoot(hospitalA, root));
        recordAnchor.verify(hospitalA, root, proof, leaves[0]);
        IRecordAnchor.Leaf memory asA = withHospital(recs[0], hospitalA);
        vm.expectRevert(unknownRoot(hospitalA, root));
        verifyRecordOf(root, proof, asA);
        vm.expectRevert(unknownRoot(hospitalA, root));
        verifyLeafOf(root, proof, asA);
    }

    function test_verify_revertsForInvalidProof() public {
        bytes32[] memory leaves = leavesOf(records(hospitalA, 6));
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 6);

        // proof of another leaf
        bytes32[] memory proof = Merkle.proof(leaves, 2);
        vm.expectRevert(invalidProof(root, leaves[3]));
        recordAnchor.verify(hospitalA, root, proof, leaves[3]);

        // a leaf not in the tree
        bytes32 outsider = keccak256("outsider");
        vm.expectRevert(invalidProof(root, outsider));
        recordAnchor.verify(hospitalA, root, proof, outsider);

        // an empty proof
        vm.expectRevert(invalidProof(root, leaves[0]));
        recordAnchor.verify(hospitalA, root, new bytes32[](0), leaves[0]);
    }

    /// @dev `verify` checks a path, not what the leaf is: an inner node with a shortened proof passes. That is why
    /// leaves are double-hashed: no leaf can equal an inner node, so `verifyLeaf` and `verifyRecord` are not fooled.
    function test_verify_acceptsInnerNodeSoLeavesAreDoubleHashed() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalA, 6);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 6);
        bytes32 inner = Merkle.hashPair(leaves[0], leaves[1]);
        bytes32[] memory upper = Merkle.proof(leaves, 0);
        bytes32[] memory shortened = new bytes32[](upper.length - 1);
        for (uint256 i = 1; i < upper.length; i++) {
            shortened[i - 1] = upper[i];
        }
        assertEq(Merkle.process(shortened, inner), root, "inner node proves");
        assertAnchor(recordAnchor.verify(hospitalA, root, shortened, inner), T0, 6, "path accepted");
        assertAnchor(verifyRecordOf(root, Merkle.proof(leaves, 0), recs[0]), T0, 6, "record accepted");
        // the single-hashed form of a leaf (what a naive leaf would be) is not in the tree
        IRecordAnchor.Leaf memory r = recs[0];
        bytes32 singleHashed =
            keccak256(abi.encode(uint8(r.kind), r.hospitalId, r.resourceType, r.id, r.version, r.contentHash));
        vm.expectRevert(invalidProof(root, singleHashed));
        recordAnchor.verify(hospitalA, root, Merkle.proof(leaves, 0), singleHashed);
    }

    function test_verifyRecord_revertsForTamperedRecord() public {
        IRecordAnchor.Leaf[] memory recs = records(hospitalA, 4);
        bytes32[] memory leaves = leavesOf(recs);
        bytes32 root = Merkle.root(leaves);
        anchorAs(nodeA, root, 4);
        bytes32[] memory proof = Merkle.proof(leaves, 1);

        IRecordAnchor.Leaf memory tampered = recs[1];
        tampered.contentHash = keccak256("edited after anchoring");
        vm.expectRevert(invalidProof(root, leafOf(tampered)));
        verifyRecordOf(root, proof, tampered);
    }

    function test_verifyRecord_revertsForUnknownRoot() public {
        IRecordAnchor.Leaf memory r = records(hospitalA, 1)[0];
        bytes32 root = keccak256("never anchored");
        vm.expectRevert(unknownRoot(hospitalA, root));
        verifyRecordOf(root, new bytes32[](0), r);
        vm.expectRevert(unknownRoot(hospitalA, root));
        verifyLeafOf(root, new bytes32[](0), r);
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
        anchorAs(nodeB, root, n);
        for (uint256 i = 0; i < n; i++) {
            assertAnchor(recordAnchor.verify(hospitalB, root, Merkle.proof(leaves, i), leaves[i]), T0, n, "verify");
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
        anchorAs(nodeA, root, n);
        uint256 i = bound(leafIndex, 0, n - 1);
        bytes32[] memory proof = Merkle.proof(leaves, i);
        assertTrue(proof.length > 0, "non-trivial proof");
        uint256 e = bound(element, 0, proof.length - 1);
        proof[e] = proof[e] ^ bytes32(uint256(1) << bit);
        vm.expectRevert(invalidProof(root, leaves[i]));
        recordAnchor.verify(hospitalA, root, proof, leaves[i]);
    }
}
