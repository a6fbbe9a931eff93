// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {RecordAnchor} from "../src/RecordAnchor.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IRecordAnchor} from "../src/IRecordAnchor.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice Randomly anchors roots from a small shared pool (so hospitals keep anchoring each other's roots) by the
/// nodes of hospitals A and B and by a stranger, with zero leaf counts now and then, suspends and reactivates
/// hospitals and moves time, keeping a model of every hospital's anchors and the outcome each call must have.
contract AnchorHandler {
    uint256 public constant ROOTS = 4;

    RecordAnchor internal immutable recordAnchor;
    HospitalDirectory internal immutable directory;
    address internal immutable admin;
    address internal immutable stranger;

    address[2] internal nodes;
    uint32[2] public hospitals;
    bool[2] internal active = [true, true];
    bytes32[ROOTS] public roots;
    mapping(uint32 hospitalId => mapping(bytes32 root => IRecordAnchor.Anchor)) internal model;

    bool public unexpectedOutcome;
    uint256 public anchored;

    constructor(
        RecordAnchor recordAnchor_,
        HospitalDirectory directory_,
        address admin_,
        address stranger_,
        address[2] memory nodes_,
        uint32[2] memory hospitals_
    ) {
        recordAnchor = recordAnchor_;
        directory = directory_;
        admin = admin_;
        stranger = stranger_;
        nodes = nodes_;
        hospitals = hospitals_;
        for (uint256 i = 0; i < ROOTS; i++) {
            roots[i] = keccak256(abi.encode("shared root", i));
        }
    }

    function modelOf(uint32 hospitalId, bytes32 root) external view returns (IRecordAnchor.Anchor memory) {
        return model[hospitalId][root];
    }

    function anchor(uint256 hospitalSeed, uint256 rootSeed, uint32 leafCount) external {
        uint256 h = hospitalSeed % 2;
        uint32 hospitalId = hospitals[h];
        bytes32 root = roots[rootSeed % ROOTS];
        if (leafCount % 8 == 0) leafCount = 0; // an empty batch now and then
        bytes memory expected;
        if (!active[h]) {
            expected = abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, nodes[h]);
        } else if (leafCount == 0) {
            expected = abi.encodeWithSelector(IRecordAnchor.RecordAnchorInvalidBatch.selector, root, leafCount);
        } else if (model[hospitalId][root].anchoredAt != 0) {
            expected = abi.encodeWithSelector(IRecordAnchor.RecordAnchorRootExists.selector, hospitalId, root);
        }
        vm.prank(nodes[h]);
        try recordAnchor.anchor(root, leafCount) {
            if (expected.length != 0) unexpectedOutcome = true;
            model[hospitalId][root] = IRecordAnchor.Anchor(uint40(block.timestamp), leafCount);
            anchored++;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected) || expected.length == 0) unexpectedOutcome = true;
        }
    }

    function anchorAsStranger(uint256 rootSeed, uint32 leafCount) external {
        vm.prank(stranger);
        try recordAnchor.anchor(roots[rootSeed % ROOTS], leafCount) {
            unexpectedOutcome = true;
        } catch {}
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + seconds_ % 1 days);
    }

    function toggleHospital(uint256 hospitalSeed) external {
        uint256 h = hospitalSeed % 2;
        active[h] = !active[h];
        vm.prank(admin);
        directory.setHospitalStatus(
            hospitals[h],
            active[h] ? IHospitalDirectory.HospitalStatus.Active : IHospitalDirectory.HospitalStatus.Suspended
        );
    }
}

contract RecordAnchorInvariantTest is Fixture {
    AnchorHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new AnchorHandler(recordAnchor, directory, admin, stranger, [nodeA, nodeB], [hospitalA, hospitalB]);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Every hospital's anchor of every shared root equals what that hospital's own successful calls put there:
    /// anchoring (or failing to anchor) by one hospital never changes another hospital's anchors, and a root that
    /// one hospital holds never makes another's anchor of it fail.
    function invariant_anchorsOfEachHospitalAreItsOwn() public view {
        assertFalse(handler.unexpectedOutcome(), "an anchor succeeded or failed against the model");
        for (uint256 h = 0; h < 2; h++) {
            uint32 hospitalId = handler.hospitals(h);
            for (uint256 r = 0; r < handler.ROOTS(); r++) {
                bytes32 root = handler.roots(r);
                IRecordAnchor.Anchor memory stored = recordAnchor.anchorOf(hospitalId, root);
                IRecordAnchor.Anchor memory expected = handler.modelOf(hospitalId, root);
                assertEq(stored.anchoredAt, expected.anchoredAt, "anchoredAt");
                assertEq(stored.leafCount, expected.leafCount, "leafCount");
            }
        }
    }
}
