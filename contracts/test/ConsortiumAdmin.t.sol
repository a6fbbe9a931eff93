// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Assertions} from "./Fixture.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @notice The consortium admin as deployed in production: a TimelockController whose proposers and executors are
/// the hospitals' admin keys, holding both roles of the HospitalDirectory.
contract ConsortiumAdminTest is Assertions {
    uint256 internal constant MIN_DELAY = 1 days;
    bytes32 internal constant SALT = keccak256("register hospital D");

    TimelockController internal timelock;
    HospitalDirectory internal directory;

    address internal proposer1 = vm.addr(0x9001);
    address internal proposer2 = vm.addr(0x9002);
    address internal proposer3 = vm.addr(0x9003);
    address internal outsider = vm.addr(0x9999);
    address internal nodeD = vm.addr(0xD0);

    bytes internal registerCall;
    bytes32 internal operationId;

    function setUp() public {
        vm.warp(1_700_000_000);
        address[] memory members = new address[](3);
        members[0] = proposer1;
        members[1] = proposer2;
        members[2] = proposer3;
        timelock = new TimelockController(MIN_DELAY, members, members, address(0));
        directory = new HospitalDirectory(address(timelock));
        registerCall =
            abi.encodeCall(IHospitalDirectory.registerHospital, (nodeD, "Hospital D", "https://d.example/fhir"));
        operationId = timelock.hashOperation(address(directory), 0, registerCall, bytes32(0), SALT);
    }

    function schedule(address proposer) internal {
        vm.prank(proposer);
        timelock.schedule(address(directory), 0, registerCall, bytes32(0), SALT, MIN_DELAY);
    }

    function execute(address executor) internal {
        vm.prank(executor);
        timelock.execute(address(directory), 0, registerCall, bytes32(0), SALT);
    }

    function stateBitmap(TimelockController.OperationState state) internal pure returns (bytes32) {
        return bytes32(1 << uint8(state));
    }

    function test_timelock_holdsBothDirectoryRoles() public view {
        assertTrue(directory.hasRole(directory.DEFAULT_ADMIN_ROLE(), address(timelock)), "default admin");
        assertTrue(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), address(timelock)), "consortium admin");
        assertFalse(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), proposer1), "no proposer holds it");
        assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), proposer3), "proposers can cancel");
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)), "no deployer admin");
    }

    function test_registerHospital_goesThroughScheduleDelayAndExecute() public {
        schedule(proposer1);
        assertTrue(timelock.isOperationPending(operationId), "pending");
        vm.warp(block.timestamp + MIN_DELAY);
        assertTrue(timelock.isOperationReady(operationId), "ready");

        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalRegistered(1, nodeD, "Hospital D", "https://d.example/fhir");
        execute(proposer2);

        assertTrue(timelock.isOperationDone(operationId), "done");
        assertEq(directory.hospitalCount(), 1, "registered");
        assertEq(directory.hospitalOfNode(nodeD), 1, "node mapped");
    }

    function test_execute_revertsBeforeDelayEvenForProposer() public {
        schedule(proposer1);
        vm.warp(block.timestamp + MIN_DELAY - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                stateBitmap(TimelockController.OperationState.Ready)
            )
        );
        execute(proposer1);
        assertEq(directory.hospitalCount(), 0, "not registered");
    }

    function test_execute_revertsForUnscheduledOperation() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                stateBitmap(TimelockController.OperationState.Ready)
            )
        );
        execute(proposer1);
    }

    function test_schedule_revertsForDelayBelowMinimum() public {
        vm.expectRevert(
            abi.encodeWithSelector(TimelockController.TimelockInsufficientDelay.selector, MIN_DELAY - 1, MIN_DELAY)
        );
        vm.prank(proposer1);
        timelock.schedule(address(directory), 0, registerCall, bytes32(0), SALT, MIN_DELAY - 1);
    }

    function test_registerHospital_revertsForSingleKeyCallingDirectly() public {
        address[2] memory keys = [proposer1, outsider];
        for (uint256 i = 0; i < keys.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, keys[i]));
            vm.prank(keys[i]);
            directory.registerHospital(nodeD, "Hospital D", "u");
        }
    }

    function test_schedule_revertsForNonProposer() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, outsider, timelock.PROPOSER_ROLE()
            )
        );
        schedule(outsider);
    }

    function test_execute_revertsForNonExecutor() public {
        schedule(proposer1);
        vm.warp(block.timestamp + MIN_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, outsider, timelock.EXECUTOR_ROLE()
            )
        );
        execute(outsider);
    }

    function test_cancel_byAnotherProposerVetoesDuringDelay() public {
        schedule(proposer1);
        vm.prank(proposer3);
        timelock.cancel(operationId);
        vm.warp(block.timestamp + MIN_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                stateBitmap(TimelockController.OperationState.Ready)
            )
        );
        execute(proposer2);
        assertEq(directory.hospitalCount(), 0, "vetoed");
    }

    function test_grantRole_onlyThroughTimelock() public {
        bytes32 role = directory.CONSORTIUM_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, proposer1, directory.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(proposer1);
        directory.grantRole(role, proposer1);
    }
}
