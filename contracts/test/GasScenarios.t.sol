// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice One representative call per measured function, each a top-level call (its own transaction under
/// `forge test --gas-report`), so that `forge test --gas-report --match-path test/GasScenarios.t.sol` gives clean
/// figures: first anchor of a root; first grant of a patient–hospital and of a patient–practitioner pair; revoke and
/// cancel of a live grant; first signed grant to a hospital and to a practitioner; signed revoke and signed cancel of
/// a live grant; first link of a hospital's Patient; registration of a hospital; addition of a new staff member;
/// break-glass declarations (the practitioner's first opens its window). Cancels of pairs never touched before (the
/// slot's first write) are measured separately, in `GasScenariosFreshPairCancelTest`.
contract GasScenariosTest is Fixture {
    uint256 internal constant N = 5;

    function test_gas_anchorNewRoots() public {
        for (uint256 i = 0; i < N; i++) {
            vm.prank(nodeA);
            recordAnchor.anchor(keccak256(abi.encode("batch", i)), 250);
        }
        assertEq(recordAnchor.anchorOf(hospitalA, keccak256(abi.encode("batch", 0))).leafCount, 250, "anchored");
    }

    function test_gas_grantThenRevokeFreshPairs() public {
        uint40 expiry = inDays(365);
        for (uint256 i = 0; i < N; i++) {
            vm.prank(vm.addr(0x1000 + i));
            registry.grant(hospitalGrantee(hospitalA), 0x0FFF, 0, expiry);
        }
        vm.warp(block.timestamp + 1 hours);
        for (uint256 i = 0; i < N; i++) {
            vm.prank(vm.addr(0x1000 + i));
            registry.revoke(hospitalGrantee(hospitalA));
        }
        assertEq(registry.getGrant(vm.addr(0x1000), hospitalGrantee(hospitalA)).scopes, 0, "granted and revoked");
        assertEq(
            registry.getGrant(vm.addr(0x1000), hospitalGrantee(hospitalA)).revokedBefore,
            T0 + 1 hours + MAX_SKEW,
            "the revoke covers the skew past now"
        );
    }

    function test_gas_grantThenCancelFreshPairs() public {
        uint40 expiry = inDays(365);
        for (uint256 i = 0; i < N; i++) {
            vm.prank(vm.addr(0x1100 + i));
            registry.grant(practitionerGrantee(drA), 0x0FFF, 0, expiry);
        }
        vm.warp(block.timestamp + 1 hours);
        for (uint256 i = 0; i < N; i++) {
            vm.prank(vm.addr(0x1100 + i));
            registry.cancel(practitionerGrantee(drA));
        }
        assertEq(registry.getGrant(vm.addr(0x1100), practitionerGrantee(drA)).counter, 2, "granted and cancelled");
        assertEq(
            registry.getGrant(vm.addr(0x1100), practitionerGrantee(drA)).revokedBefore,
            T0 + 1 hours + MAX_SKEW,
            "the cancel covers the skew past now"
        );
    }

    function test_gas_grantBySigThenRevokeBySigFreshPairs() public {
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2000 + i;
            GrantMsg memory g = grantMsg(vm.addr(key), hospitalGrantee(hospitalA), 0x0FFF);
            g.expiry = inDays(365);
            relayGrant(nodeA, g, signGrant(key, g));
        }
        vm.warp(block.timestamp + 1 hours);
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2000 + i;
            address signer = vm.addr(key);
            uint256 deadline = block.timestamp + 1 hours;
            bytes memory sig = signRevoke(key, signer, hospitalGrantee(hospitalA), block.timestamp, deadline);
            vm.prank(stranger);
            registry.revokeBySig(signer, hospitalGrantee(hospitalA), block.timestamp, deadline, sig);
        }
        assertEq(registry.getGrant(vm.addr(0x2000), hospitalGrantee(hospitalA)).scopes, 0, "granted and revoked");
        assertEq(
            registry.getGrant(vm.addr(0x2000), hospitalGrantee(hospitalA)).revokedBefore,
            T0 + 1 hours + MAX_SKEW,
            "the signed revoke covers the skew past its issuedAt"
        );
    }

    function test_gas_grantBySigThenCancelBySigFreshPairs() public {
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2100 + i;
            GrantMsg memory g = grantMsg(vm.addr(key), practitionerGrantee(drB), 0x0FFF);
            g.expiry = inDays(365);
            relayGrant(nodeB, g, signGrant(key, g));
        }
        vm.warp(block.timestamp + 1 hours);
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2100 + i;
            address signer = vm.addr(key);
            uint256 deadline = block.timestamp + 1 hours;
            bytes memory sig = signCancel(key, signer, practitionerGrantee(drB), block.timestamp, deadline);
            vm.prank(stranger);
            registry.cancelBySig(signer, practitionerGrantee(drB), block.timestamp, deadline, sig);
        }
        assertEq(registry.getGrant(vm.addr(0x2100), practitionerGrantee(drB)).counter, 2, "granted and cancelled");
        assertEq(
            registry.getGrant(vm.addr(0x2100), practitionerGrantee(drB)).revokedBefore,
            T0 + 1 hours + MAX_SKEW,
            "the signed cancel covers the skew past its issuedAt"
        );
    }

    function test_gas_linkBySigFirstLinks() public {
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2200 + i;
            LinkMsg memory l = linkMsg(vm.addr(key), hospitalA, keccak256(abi.encode("salt", "patient", i)));
            relayLink(nodeA, l, signLink(key, l), "");
        }
        assertEq(
            registry.linkOf(hospitalA, keccak256(abi.encode("salt", "patient", 0))).patient, vm.addr(0x2200), "linked"
        );
    }

    function test_gas_registerHospitals() public {
        for (uint256 i = 0; i < N; i++) {
            vm.prank(admin);
            directory.registerHospital(
                vm.addr(0x3000 + i), "Regional Hospital", "https://fhir.regional-hospital.example/fhir/R4"
            );
        }
        assertEq(directory.hospitalCount(), 2 + N, "registered");
    }

    function test_gas_addNewStaff() public {
        for (uint256 i = 0; i < N; i++) {
            vm.prank(nodeA);
            directory.addStaff(vm.addr(0x4000 + i), IHospitalDirectory.StaffRole.Practitioner);
        }
        assertTrue(
            directory.isActiveStaff(vm.addr(0x4000), hospitalA, IHospitalDirectory.StaffRole.Practitioner), "staff"
        );
    }

    function test_gas_emergencyAccess() public {
        for (uint256 i = 0; i < N; i++) {
            vm.prank(drA);
            registry.emergencyAccess(vm.addr(0x5000 + i), keccak256(abi.encode("reason", i)));
        }
    }
}

/// @notice A cancel of a pair never touched before (no grant ever relayed): the pair's slot is written for the first
/// time. Measured apart: `forge test --gas-report --match-contract GasScenariosFreshPairCancelTest`.
contract GasScenariosFreshPairCancelTest is Fixture {
    uint256 internal constant N = 5;

    function test_gas_cancelUntouchedPairs() public {
        for (uint256 i = 0; i < N; i++) {
            vm.prank(vm.addr(0x6000 + i));
            registry.cancel(hospitalGrantee(hospitalA));
        }
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x6100 + i;
            address signer = vm.addr(key);
            uint256 deadline = block.timestamp + 1 hours;
            bytes memory sig = signCancel(key, signer, hospitalGrantee(hospitalA), block.timestamp, deadline);
            vm.prank(stranger);
            registry.cancelBySig(signer, hospitalGrantee(hospitalA), block.timestamp, deadline, sig);
        }
        assertEq(registry.getGrant(vm.addr(0x6000), hospitalGrantee(hospitalA)).counter, 1, "cancelled");
        assertEq(registry.getGrant(vm.addr(0x6000), hospitalGrantee(hospitalA)).revokedBefore, T0 + MAX_SKEW, "covers");
        assertEq(registry.getGrant(vm.addr(0x6100), hospitalGrantee(hospitalA)).revokedBefore, T0 + MAX_SKEW, "signed");
    }
}
