// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";
import {IConsentRegistry} from "../src/IConsentRegistry.sol";
import {IRecordAnchor} from "../src/IRecordAnchor.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract HospitalDirectoryTest is Fixture {
    IHospitalDirectory.StaffRole internal constant PRACTITIONER = IHospitalDirectory.StaffRole.Practitioner;
    IHospitalDirectory.StaffRole internal constant HOSPITAL_ADMIN = IHospitalDirectory.StaffRole.HospitalAdmin;
    IHospitalDirectory.StaffRole internal constant AUDITOR = IHospitalDirectory.StaffRole.Auditor;
    IHospitalDirectory.StaffRole internal constant NO_ROLE = IHospitalDirectory.StaffRole.None;
    IHospitalDirectory.HospitalStatus internal constant ACTIVE = IHospitalDirectory.HospitalStatus.Active;
    IHospitalDirectory.HospitalStatus internal constant SUSPENDED = IHospitalDirectory.HospitalStatus.Suspended;

    address internal nodeC = vm.addr(0xC0);
    address internal newNodeA = vm.addr(0xA0A0);
    address internal nurse = vm.addr(0xA5);

    function unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, caller);
    }

    function addressInUse(address account) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryAddressInUse.selector, account);
    }

    function unknownHospital(uint32 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnknownHospital.selector, id);
    }

    function suspend(uint32 id) internal {
        vm.prank(admin);
        directory.setHospitalStatus(id, SUSPENDED);
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_grantsAdminAndConsortiumRolesToConsortiumAdmin() public view {
        assertTrue(directory.hasRole(directory.DEFAULT_ADMIN_ROLE(), admin), "default admin role");
        assertTrue(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), admin), "consortium admin role");
        assertFalse(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), address(this)), "deployer has no role");
        assertEq(directory.CONSORTIUM_ADMIN_ROLE(), keccak256("CONSORTIUM_ADMIN_ROLE"), "role id");
    }

    function test_constructor_revertsForZeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryZeroAddress.selector));
        new HospitalDirectory(address(0));
    }

    // ---------------------------------------------------------------- registerHospital

    function test_registerHospital_assignsNextIdStoresAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalRegistered(3, nodeC, "Hospital C", "https://c.example/fhir");
        vm.prank(admin);
        uint32 id = directory.registerHospital(nodeC, "Hospital C", "https://c.example/fhir");

        assertEq(id, 3, "id");
        assertEq(hospitalA, 1, "first id is 1");
        assertEq(directory.hospitalCount(), 3, "count");
        IHospitalDirectory.Hospital memory h = directory.getHospital(id);
        assertEq(h.node, nodeC, "node");
        assertEq(uint8(h.status), uint8(ACTIVE), "status");
        assertEq(h.name, "Hospital C", "name");
        assertEq(h.fhirBaseUrl, "https://c.example/fhir", "url");
        assertEq(directory.hospitalOfNode(nodeC), id, "hospitalOfNode");
        assertEq(directory.activeHospitalOfNode(nodeC), id, "activeHospitalOfNode");
        assertTrue(directory.isActiveHospital(id), "active");
    }

    function test_registerHospital_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.registerHospital(nodeC, "C", "u");
    }

    function test_registerHospital_revertsForHospitalNode() public {
        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.registerHospital(nodeC, "C", "u");
    }

    function test_registerHospital_revertsForZeroNode() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryZeroAddress.selector));
        vm.prank(admin);
        directory.registerHospital(address(0), "C", "u");
    }

    function test_registerHospital_revertsForAnotherHospitalsNode() public {
        vm.expectRevert(addressInUse(nodeB));
        vm.prank(admin);
        directory.registerHospital(nodeB, "C", "u");
    }

    function test_registerHospital_revertsForStaffAddress() public {
        vm.expectRevert(addressInUse(drB));
        vm.prank(admin);
        directory.registerHospital(drB, "C", "u");
    }

    function test_registerHospital_allowedForNewConsortiumAdminGrantedByDefaultAdmin() public {
        bytes32 role = directory.CONSORTIUM_ADMIN_ROLE();
        vm.prank(admin);
        directory.grantRole(role, stranger);
        vm.prank(stranger);
        assertEq(directory.registerHospital(nodeC, "C", "u"), 3, "id");
    }

    function test_grantRole_revertsForStranger() public {
        bytes32 role = directory.CONSORTIUM_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, directory.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(stranger);
        directory.grantRole(role, stranger);
    }

    // ---------------------------------------------------------------- setHospitalStatus

    function test_setHospitalStatus_suspendsAndReactivatesAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalStatusChanged(hospitalA, SUSPENDED);
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, SUSPENDED);
        assertEq(uint8(directory.getHospital(hospitalA).status), uint8(SUSPENDED), "suspended");
        assertFalse(directory.isActiveHospital(hospitalA), "not active");
        assertEq(directory.hospitalOfNode(nodeA), hospitalA, "node still mapped");
        assertEq(directory.activeHospitalOfNode(nodeA), 0, "no active hospital");

        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalStatusChanged(hospitalA, ACTIVE);
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, ACTIVE);
        assertTrue(directory.isActiveHospital(hospitalA), "active again");
        assertEq(directory.activeHospitalOfNode(nodeA), hospitalA, "active hospital of node");
    }

    function test_setHospitalStatus_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.setHospitalStatus(hospitalA, SUSPENDED);
    }

    function test_setHospitalStatus_revertsForHospitalsOwnNode() public {
        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.setHospitalStatus(hospitalA, SUSPENDED);
    }

    function test_setHospitalStatus_revertsForUnknownHospital() public {
        vm.expectRevert(unknownHospital(0));
        vm.prank(admin);
        directory.setHospitalStatus(0, SUSPENDED);

        vm.expectRevert(unknownHospital(3));
        vm.prank(admin);
        directory.setHospitalStatus(3, ACTIVE);
    }

    function test_setHospitalStatus_revertsForNoneStatus() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryInvalidValue.selector, uint8(0)));
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.None);
    }

    function test_setHospitalStatus_revertsForOutOfRangeStatus() public {
        vm.prank(admin);
        (bool ok,) = address(directory)
            .call(abi.encodeWithSelector(IHospitalDirectory.setHospitalStatus.selector, hospitalA, uint256(3)));
        assertFalse(ok, "status 3 must not decode");
    }

    // ---------------------------------------------------------------- updateHospital

    function test_updateHospital_byOwnNodeStoresAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalUpdated(hospitalA, "A2", "https://a2.example/fhir");
        vm.prank(nodeA);
        directory.updateHospital(hospitalA, "A2", "https://a2.example/fhir");
        IHospitalDirectory.Hospital memory h = directory.getHospital(hospitalA);
        assertEq(h.name, "A2", "name");
        assertEq(h.fhirBaseUrl, "https://a2.example/fhir", "url");
        assertEq(h.node, nodeA, "node unchanged");
        assertEq(uint8(h.status), uint8(ACTIVE), "status unchanged");
    }

    function test_updateHospital_byConsortiumAdminStoresAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalUpdated(hospitalB, "B2", "https://b2.example/fhir");
        vm.prank(admin);
        directory.updateHospital(hospitalB, "B2", "https://b2.example/fhir");
        assertEq(directory.getHospital(hospitalB).name, "B2", "name");
    }

    function test_updateHospital_allowedForSuspendedHospitalsNode() public {
        suspend(hospitalA);
        vm.prank(nodeA);
        directory.updateHospital(hospitalA, "A2", "u");
        assertEq(directory.getHospital(hospitalA).name, "A2", "name");
    }

    function test_updateHospital_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.updateHospital(hospitalA, "X", "u");
    }

    function test_updateHospital_revertsForAnotherHospitalsNode() public {
        vm.expectRevert(unauthorized(nodeB));
        vm.prank(nodeB);
        directory.updateHospital(hospitalA, "X", "u");
    }

    function test_updateHospital_revertsForHospitalStaff() public {
        vm.expectRevert(unauthorized(adminA));
        vm.prank(adminA);
        directory.updateHospital(hospitalA, "X", "u");
    }

    function test_updateHospital_revertsForUnknownHospital() public {
        vm.expectRevert(unknownHospital(7));
        vm.prank(admin);
        directory.updateHospital(7, "X", "u");
    }

    // ---------------------------------------------------------------- rotateNodeAddress

    function test_rotateNodeAddress_byOwnNodeMovesMappingAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.NodeAddressRotated(hospitalA, nodeA, newNodeA);
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, newNodeA);

        assertEq(directory.getHospital(hospitalA).node, newNodeA, "node");
        assertEq(directory.hospitalOfNode(newNodeA), hospitalA, "new node mapped");
        assertEq(directory.hospitalOfNode(nodeA), 0, "old node unmapped");
        assertEq(directory.activeHospitalOfNode(nodeA), 0, "old node inactive");
    }

    function test_rotateNodeAddress_byConsortiumAdminMovesMappingAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.NodeAddressRotated(hospitalB, nodeB, nodeC);
        vm.prank(admin);
        directory.rotateNodeAddress(hospitalB, nodeC);
        assertEq(directory.hospitalOfNode(nodeC), hospitalB, "new node mapped");
    }

    function test_rotateNodeAddress_oldKeyLosesPowersAndNewKeyGainsThem() public {
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, newNodeA);

        // the old key: no directory, anchor or relay power any more
        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.addStaff(nurse, PRACTITIONER);

        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.removeStaff(drA);

        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.updateHospital(hospitalA, "X", "u");

        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, nodeC);

        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, nodeA));
        vm.prank(nodeA);
        recordAnchor.anchor(keccak256("batch"), 1);

        GrantMsg memory g = grantMsg(patient, hospitalGrantee(hospitalA), ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, nodeA));
        relayGrant(nodeA, g, sig);

        // the new key: all of them
        vm.startPrank(newNodeA);
        directory.addStaff(nurse, PRACTITIONER);
        directory.removeStaff(nurse);
        directory.updateHospital(hospitalA, "A2", "u2");
        recordAnchor.anchor(keccak256("batch"), 1);
        vm.stopPrank();
        relayGrant(newNodeA, g, sig);

        assertEq(recordAnchor.anchorOf(hospitalA, keccak256("batch")).leafCount, 1, "anchored for A");
        assertEq(registry.getGrant(patient, hospitalGrantee(hospitalA)).counter, 1, "grant relayed");
        assertEq(directory.getHospital(hospitalA).name, "A2", "updated");

        // the old key is free and can be used elsewhere, e.g. as staff of another hospital
        vm.prank(nodeB);
        directory.addStaff(nodeA, AUDITOR);
        (uint32 hid,) = directory.staffOf(nodeA);
        assertEq(hid, hospitalB, "old key reusable");
    }

    function test_rotateNodeAddress_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.rotateNodeAddress(hospitalA, stranger);
    }

    function test_rotateNodeAddress_revertsForAnotherHospitalsNode() public {
        vm.expectRevert(unauthorized(nodeB));
        vm.prank(nodeB);
        directory.rotateNodeAddress(hospitalA, nodeC);
    }

    function test_rotateNodeAddress_revertsForUnknownHospital() public {
        vm.expectRevert(unknownHospital(9));
        vm.prank(admin);
        directory.rotateNodeAddress(9, nodeC);
    }

    function test_rotateNodeAddress_revertsForZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryZeroAddress.selector));
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, address(0));
    }

    function test_rotateNodeAddress_revertsForAddressInUse() public {
        vm.expectRevert(addressInUse(nodeB));
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, nodeB);

        vm.expectRevert(addressInUse(drA));
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, drA);

        vm.expectRevert(addressInUse(nodeA));
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, nodeA);
    }

    // ---------------------------------------------------------------- addStaff

    function test_addStaff_addsEveryRoleAndEmits() public {
        IHospitalDirectory.StaffRole[3] memory roles = [PRACTITIONER, HOSPITAL_ADMIN, AUDITOR];
        for (uint256 i = 0; i < roles.length; i++) {
            address staff = vm.addr(0x5000 + i);
            vm.expectEmit(address(directory));
            emit IHospitalDirectory.StaffAdded(hospitalB, staff, roles[i]);
            vm.prank(nodeB);
            directory.addStaff(staff, roles[i]);
            (uint32 hid, IHospitalDirectory.StaffRole role) = directory.staffOf(staff);
            assertEq(hid, hospitalB, "hospital");
            assertEq(uint8(role), uint8(roles[i]), "role");
            assertTrue(directory.isActiveStaff(staff, hospitalB, roles[i]), "active staff");
        }
    }

    function test_addStaff_changesRoleWithinSameHospital() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.StaffAdded(hospitalA, drA, AUDITOR);
        vm.prank(nodeA);
        directory.addStaff(drA, AUDITOR);
        (, IHospitalDirectory.StaffRole role) = directory.staffOf(drA);
        assertEq(uint8(role), uint8(AUDITOR), "role changed");
        assertFalse(directory.isActiveStaff(drA, hospitalA, PRACTITIONER), "no longer practitioner");
    }

    function test_addStaff_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.addStaff(nurse, PRACTITIONER);
    }

    function test_addStaff_revertsForConsortiumAdmin() public {
        vm.expectRevert(unauthorized(admin));
        vm.prank(admin);
        directory.addStaff(nurse, PRACTITIONER);
    }

    function test_addStaff_revertsForHospitalAdminStaff() public {
        vm.expectRevert(unauthorized(adminA));
        vm.prank(adminA);
        directory.addStaff(nurse, PRACTITIONER);
    }

    function test_addStaff_revertsForSuspendedHospital() public {
        suspend(hospitalA);
        vm.expectRevert(
            abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryHospitalNotActive.selector, hospitalA)
        );
        vm.prank(nodeA);
        directory.addStaff(nurse, PRACTITIONER);
    }

    function test_addStaff_revertsForNoneRole() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryInvalidValue.selector, uint8(0)));
        vm.prank(nodeA);
        directory.addStaff(nurse, NO_ROLE);
    }

    function test_addStaff_revertsForZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryZeroAddress.selector));
        vm.prank(nodeA);
        directory.addStaff(address(0), PRACTITIONER);
    }

    function test_addStaff_revertsForNodeAddress() public {
        vm.expectRevert(addressInUse(nodeB));
        vm.prank(nodeA);
        directory.addStaff(nodeB, PRACTITIONER);

        vm.expectRevert(addressInUse(nodeA));
        vm.prank(nodeA);
        directory.addStaff(nodeA, PRACTITIONER);
    }

    function test_addStaff_revertsForStaffOfAnotherHospital() public {
        vm.expectRevert(addressInUse(drB));
        vm.prank(nodeA);
        directory.addStaff(drB, PRACTITIONER);
    }

    // ---------------------------------------------------------------- removeStaff

    function test_removeStaff_removesAndEmits() public {
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.StaffRemoved(hospitalA, drA2);
        vm.prank(nodeA);
        directory.removeStaff(drA2);
        (uint32 hid, IHospitalDirectory.StaffRole role) = directory.staffOf(drA2);
        assertEq(hid, 0, "hospital cleared");
        assertEq(uint8(role), uint8(NO_ROLE), "role cleared");
        assertFalse(directory.isActiveStaff(drA2, hospitalA, PRACTITIONER), "not staff");

        // the address may now join another hospital
        vm.prank(nodeB);
        directory.addStaff(drA2, PRACTITIONER);
        assertTrue(directory.isActiveStaff(drA2, hospitalB, PRACTITIONER), "moved to B");
    }

    function test_removeStaff_allowedForSuspendedHospitalsNode() public {
        suspend(hospitalA);
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.StaffRemoved(hospitalA, drA);
        vm.prank(nodeA);
        directory.removeStaff(drA);
    }

    function test_removeStaff_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.removeStaff(drA);
    }

    function test_removeStaff_revertsForConsortiumAdmin() public {
        vm.expectRevert(unauthorized(admin));
        vm.prank(admin);
        directory.removeStaff(drA);
    }

    function test_removeStaff_revertsForAnotherHospitalsStaff() public {
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryNotStaff.selector, drA, hospitalB));
        vm.prank(nodeB);
        directory.removeStaff(drA);
    }

    function test_removeStaff_revertsForNonStaff() public {
        vm.expectRevert(
            abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryNotStaff.selector, stranger, hospitalA)
        );
        vm.prank(nodeA);
        directory.removeStaff(stranger);
    }

    function test_removeStaff_removedPractitionerLosesAllPowers() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        assertTrue(registry.isAuthorized(patient, drA, 0), "authorized before removal");

        vm.prank(nodeA);
        directory.removeStaff(drA);

        assertFalse(registry.isAuthorized(patient, drA, 0), "isAuthorized after removal");

        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, drA));
        vm.prank(drA);
        registry.emergencyAccess(patient, keccak256("er"));

        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, drA));
        vm.prank(drA);
        recordAnchor.anchor(keccak256("batch"), 1);

        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, drA));
        relayGrant(drA, g, sig);

        vm.expectRevert(unauthorized(drA));
        vm.prank(drA);
        directory.addStaff(nurse, PRACTITIONER);
    }

    function test_removeStaff_removedHospitalAdminHasNoDirectoryPower() public {
        vm.prank(nodeA);
        directory.removeStaff(adminA);
        vm.expectRevert(unauthorized(adminA));
        vm.prank(adminA);
        directory.addStaff(nurse, PRACTITIONER);
        vm.expectRevert(unauthorized(adminA));
        vm.prank(adminA);
        directory.removeStaff(drA);
    }

    // ---------------------------------------------------------------- suspension, across the contracts

    function test_suspendedHospital_losesNodeAndStaffPowersUntilReactivated() public {
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        directGrant(patient, practitionerGrantee(drA2), ALL_SCOPES, inDays(30));
        GrantMsg memory g = grantMsg(patient2, hospitalGrantee(hospitalA), ALL_SCOPES);
        bytes memory sig = signGrant(patient2Key, g);
        suspend(hospitalA);

        assertFalse(registry.isAuthorized(patient, drA, 0), "hospital grant");
        assertFalse(registry.isAuthorized(patient, drA2, 0), "direct grant");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, 0), "hospital authorized");
        assertFalse(directory.isActiveStaff(drA, hospitalA, PRACTITIONER), "active staff");

        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnauthorized.selector, nodeA));
        vm.prank(nodeA);
        recordAnchor.anchor(keccak256("batch"), 1);

        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, nodeA));
        relayGrant(nodeA, g, sig);

        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, drA));
        vm.prank(drA);
        registry.emergencyAccess(patient, keccak256("er"));

        vm.expectRevert(
            abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryHospitalNotActive.selector, hospitalA)
        );
        vm.prank(nodeA);
        directory.addStaff(nurse, PRACTITIONER);

        // hospital B is unaffected
        vm.prank(nodeB);
        recordAnchor.anchor(keccak256("batch B"), 1);

        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, ACTIVE);
        assertTrue(registry.isAuthorized(patient, drA, 0), "hospital grant restored");
        assertTrue(registry.isAuthorized(patient, drA2, 0), "direct grant restored");
        vm.prank(nodeA);
        recordAnchor.anchor(keccak256("batch"), 1);
        relayGrant(nodeA, g, sig);
    }

    // ---------------------------------------------------------------- views

    function test_views_returnZeroForUnknownEntries() public view {
        IHospitalDirectory.Hospital memory h = directory.getHospital(42);
        assertEq(h.node, address(0), "node");
        assertEq(uint8(h.status), 0, "status None");
        assertEq(bytes(h.name).length, 0, "name");
        assertFalse(directory.isActiveHospital(0), "id 0");
        assertFalse(directory.isActiveHospital(42), "id 42");
        assertEq(directory.hospitalOfNode(stranger), 0, "hospitalOfNode");
        assertEq(directory.activeHospitalOfNode(stranger), 0, "activeHospitalOfNode");
        (uint32 hid, IHospitalDirectory.StaffRole role) = directory.staffOf(stranger);
        assertEq(hid, 0, "staff hospital");
        assertEq(uint8(role), 0, "staff role");
        assertFalse(directory.isActiveStaff(stranger, 0, NO_ROLE), "None role is never active staff");
    }

    function test_isActiveStaff_requiresMatchingHospitalRoleAndActiveStatus() public {
        assertTrue(directory.isActiveStaff(drA, hospitalA, PRACTITIONER), "match");
        assertFalse(directory.isActiveStaff(drA, hospitalB, PRACTITIONER), "other hospital");
        assertFalse(directory.isActiveStaff(drA, hospitalA, AUDITOR), "other role");
        assertTrue(directory.isActiveStaff(auditorA, hospitalA, AUDITOR), "auditor");
        assertFalse(directory.isActiveStaff(nodeA, hospitalA, PRACTITIONER), "node is not staff");
        suspend(hospitalA);
        assertFalse(directory.isActiveStaff(drA, hospitalA, PRACTITIONER), "suspended");
    }
}
