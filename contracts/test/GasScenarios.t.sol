// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice One representative call per measured function, each a top-level call (its own transaction under
/// `forge test --gas-report`), so that `forge test --gas-report --match-path test/GasScenarios.t.sol` gives clean
/// figures: first anchor of a root, first grant of a patient–hospital pair, revoke of a live grant, first signed
/// grant, signed revoke, registration of a hospital, addition of a new staff member, a break-glass declaration.
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
        for (uint256 i = 0; i < N; i++) {
            vm.prank(vm.addr(0x1000 + i));
            registry.revoke(hospitalGrantee(hospitalA));
        }
        assertEq(registry.getGrant(vm.addr(0x1000), hospitalGrantee(hospitalA)).counter, 2, "granted and revoked");
    }

    function test_gas_grantBySigThenRevokeBySigFreshPairs() public {
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2000 + i;
            GrantMsg memory g = grantMsg(vm.addr(key), hospitalGrantee(hospitalA), 0x0FFF);
            g.expiry = inDays(365);
            relayGrant(nodeA, g, signGrant(key, g));
        }
        for (uint256 i = 0; i < N; i++) {
            uint256 key = 0x2000 + i;
            address signer = vm.addr(key);
            uint256 deadline = block.timestamp + 1 hours;
            bytes memory sig = signRevoke(key, signer, hospitalGrantee(hospitalA), 1, deadline);
            vm.prank(stranger);
            registry.revokeBySig(signer, hospitalGrantee(hospitalA), 1, deadline, sig);
        }
        assertEq(registry.getGrant(vm.addr(0x2000), hospitalGrantee(hospitalA)).counter, 2, "granted and revoked");
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
