// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {IConsentRegistry} from "../src/IConsentRegistry.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

contract ConsentRegistryTest is Fixture {
    uint8 internal constant DEMOGRAPHICS = 0;
    uint8 internal constant MEDICATIONS = 4;
    uint8 internal constant LABORATORY = 6;

    function invalidSignature(address patient_, address recovered) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, patient_, recovered);
    }

    function staleCounter(address patient_, uint256 grantee, uint32 expected, uint32 given)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IConsentRegistry.ConsentRegistryStaleCounter.selector, patient_, grantee, expected, given
        );
    }

    function unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, caller);
    }

    function relayRevoke(
        address relayer,
        address patient_,
        uint256 grantee,
        uint32 counter,
        uint256 deadline,
        bytes memory sig
    ) internal {
        vm.prank(relayer);
        registry.revokeBySig(patient_, grantee, counter, deadline, sig);
    }

    function assertGrant(address patient_, uint256 grantee, uint64 scopes, uint8 purpose, uint40 expiry, uint32 counter)
        internal
        view
    {
        IConsentRegistry.Grant memory stored = registry.getGrant(patient_, grantee);
        assertEq(stored.scopes, scopes, "scopes");
        assertEq(stored.purpose, purpose, "purpose");
        assertEq(stored.expiry, expiry, "expiry");
        assertEq(stored.counter, counter, "counter");
    }

    // ---------------------------------------------------------------- constants, domain, digests

    function test_directory_returnsTheDirectory() public view {
        assertEq(address(registry.directory()), address(directory), "directory");
        assertEq(registry.MAX_CATEGORY(), 12, "max category");
    }

    function test_typehashes_matchTheDocumentedTypeStrings() public view {
        assertEq(registry.GRANT_TYPEHASH(), GRANT_TYPEHASH_STRING_HASH, "grant typehash");
        assertEq(registry.REVOKE_TYPEHASH(), REVOKE_TYPEHASH_STRING_HASH, "revoke typehash");
    }

    function test_eip712Domain_isBbEHRConsentRegistryVersion1() public view {
        (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            registry.eip712Domain();
        assertEq(uint8(fields), 0x0f, "fields");
        assertEq(name, "BbEHR ConsentRegistry", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifyingContract, address(registry), "verifying contract");
    }

    function test_grantDigest_equalsIndependentlyComputedEip712Digest() public view {
        GrantMsg memory g = GrantMsg(patient, hospitalGrantee(hospitalA), 0x1abc, 3, uint40(T0 + 99), 7, T0 + 5);
        bytes32 expected = grantDigestOf(g);
        assertEq(
            registry.grantDigest(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.deadline),
            expected,
            "grant digest"
        );
        // any field changes the digest
        assertNotEq(
            registry.grantDigest(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter + 1, g.deadline),
            expected,
            "counter is signed"
        );
    }

    function test_revokeDigest_equalsIndependentlyComputedEip712Digest() public view {
        uint256 grantee = practitionerGrantee(drA);
        assertEq(
            registry.revokeDigest(patient, grantee, 4, T0 + 60),
            revokeDigestOf(patient, grantee, 4, T0 + 60),
            "revoke digest"
        );
    }

    // ---------------------------------------------------------------- grant

    function test_grant_storesGrantAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        uint40 expiry = inDays(30);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(patient, grantee, 0x51, 2, expiry, 1);
        vm.prank(patient);
        registry.grant(grantee, 0x51, 2, expiry);
        assertGrant(patient, grantee, 0x51, 2, expiry, 1);
    }

    function test_grant_replacesExistingGrantAndBumpsCounter() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        uint40 expiry = inDays(7);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(patient, grantee, 1, 3, expiry, 2);
        vm.prank(patient);
        registry.grant(grantee, 1, 3, expiry);
        assertGrant(patient, grantee, 1, 3, expiry, 2);
        assertFalse(registry.isAuthorized(patient, drA, MEDICATIONS), "narrowed");
    }

    function test_grant_isPerPatientAndPerGrantee() public {
        directGrant(patient, practitionerGrantee(drA), ALL_SCOPES, inDays(30));
        assertGrant(patient, practitionerGrantee(drA2), 0, 0, 0, 0);
        assertGrant(patient2, practitionerGrantee(drA), 0, 0, 0, 0);
        assertFalse(registry.isAuthorized(patient2, drA, DEMOGRAPHICS), "other patient");
        assertFalse(registry.isAuthorized(patient, drA2, DEMOGRAPHICS), "other practitioner");
    }

    function test_grant_acceptsBoundaryGranteeEncodings() public {
        vm.startPrank(patient);
        registry.grant(uint256(type(uint160).max), 1, 0, inDays(1));
        registry.grant(1, 1, 0, inDays(1));
        registry.grant(HOSPITAL_FLAG | 1, 1, 0, inDays(1));
        registry.grant(HOSPITAL_FLAG | type(uint32).max, 1, 0, inDays(1));
        vm.stopPrank();
        assertEq(registry.getGrant(patient, HOSPITAL_FLAG | type(uint32).max).counter, 1, "max hospital id");
    }

    function test_grant_revertsForInvalidGranteeEncodings() public {
        uint256[6] memory invalid = [
            uint256(0),
            HOSPITAL_FLAG, // hospital id 0
            HOSPITAL_FLAG | (uint256(1) << 32), // hospital id wider than uint32
            uint256(2) << 160, // wrong flag
            (uint256(3) << 160) | 1, // extra flag bit
            type(uint256).max
        ];
        for (uint256 i = 0; i < invalid.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidGrantee.selector, invalid[i]));
            vm.prank(patient);
            registry.grant(invalid[i], 1, 0, inDays(1));
        }
    }

    function test_grant_revertsForZeroScopes() public {
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidScopes.selector, uint64(0)));
        vm.prank(patient);
        registry.grant(practitionerGrantee(drA), 0, 0, inDays(1));
    }

    function test_grant_revertsForScopeBitsAbove12() public {
        uint64[4] memory invalid = [uint64(1) << 13, ALL_SCOPES | (uint64(1) << 13), uint64(1) << 63, type(uint64).max];
        for (uint256 i = 0; i < invalid.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidScopes.selector, invalid[i]));
            vm.prank(patient);
            registry.grant(practitionerGrantee(drA), invalid[i], 0, inDays(1));
        }
    }

    function test_grant_acceptsAllThirteenCategories() public {
        directGrant(patient, practitionerGrantee(drA), ALL_SCOPES, inDays(1));
        for (uint8 c = 0; c <= 12; c++) {
            assertTrue(registry.isAuthorized(patient, drA, c), "category covered");
        }
    }

    function test_grant_revertsForExpiryNotInFuture() public {
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryExpiryNotInFuture.selector, uint40(T0), T0)
        );
        vm.prank(patient);
        registry.grant(practitionerGrantee(drA), 1, 0, uint40(T0));

        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryExpiryNotInFuture.selector, uint40(T0 - 1), T0)
        );
        vm.prank(patient);
        registry.grant(practitionerGrantee(drA), 1, 0, uint40(T0 - 1));

        vm.prank(patient);
        registry.grant(practitionerGrantee(drA), 1, 0, uint40(T0 + 1));
    }

    // ---------------------------------------------------------------- revoke

    function test_revoke_clearsGrantKeepsCounterAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, 2);
        vm.prank(patient);
        registry.revoke(grantee);
        assertGrant(patient, grantee, 0, 0, 0, 2);
        assertFalse(registry.isAuthorized(patient, drA, DEMOGRAPHICS), "revoked");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, DEMOGRAPHICS), "hospital revoked");

        // a later grant continues the counter
        directGrant(patient, grantee, 1, inDays(1));
        assertGrant(patient, grantee, 1, 0, inDays(1), 3);
    }

    function test_revoke_revertsWithoutGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNoGrant.selector, patient, grantee));
        vm.prank(patient);
        registry.revoke(grantee);
    }

    function test_revoke_revertsWhenAlreadyRevoked() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        vm.prank(patient);
        registry.revoke(grantee);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNoGrant.selector, patient, grantee));
        vm.prank(patient);
        registry.revoke(grantee);
    }

    function test_revoke_byStrangerOnlyTouchesStrangersOwnGrants() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNoGrant.selector, stranger, grantee));
        vm.prank(stranger);
        registry.revoke(grantee);
        assertTrue(registry.isAuthorized(patient, drA, DEMOGRAPHICS), "patient's grant intact");
    }

    function test_revoke_succeedsForExpiredGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        vm.warp(T0 + 2 days);
        vm.prank(patient);
        registry.revoke(grantee);
        assertGrant(patient, grantee, 0, 0, 0, 2);
    }

    // ---------------------------------------------------------------- grantBySig

    function test_grantBySig_relayedByActiveNodeStoresGrantAndEmits() public {
        GrantMsg memory g = grantMsg(patient, hospitalGrantee(hospitalB), 0x1010);
        g.purpose = 1;
        bytes memory sig = signGrant(patientKey, g);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(patient, g.grantee, 0x1010, 1, g.expiry, 1);
        relayGrant(nodeA, g, sig);
        assertGrant(patient, g.grantee, 0x1010, 1, g.expiry, 1);
        assertTrue(registry.isAuthorized(patient, drB, SENSITIVE), "drB sensitive");
    }

    function test_grantBySig_acceptsDeadlineEqualToNow() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.deadline = block.timestamp;
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertEq(registry.getGrant(patient, g.grantee).counter, 1, "granted");
    }

    function test_grantBySig_revertsForStrangerRelayer() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(unauthorized(stranger));
        relayGrant(stranger, g, sig);
    }

    function test_grantBySig_revertsForNonNodeRelayers() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        address[4] memory relayers = [patient, drA, adminA, admin];
        for (uint256 i = 0; i < relayers.length; i++) {
            vm.expectRevert(unauthorized(relayers[i]));
            relayGrant(relayers[i], g, sig);
        }
    }

    function test_grantBySig_revertsForSuspendedHospitalsNode() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        vm.prank(admin);
        directory.setHospitalStatus(hospitalB, IHospitalDirectory.HospitalStatus.Suspended);
        vm.expectRevert(unauthorized(nodeB));
        relayGrant(nodeB, g, sig);
    }

    function test_grantBySig_revertsAfterDeadline() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        vm.warp(g.deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistrySignatureExpired.selector, g.deadline, g.deadline + 1
            )
        );
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsReplayedSignature() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        relayGrant(nodeA, g, sig);
        vm.expectRevert(staleCounter(patient, g.grantee, 1, 0));
        relayGrant(nodeA, g, sig);
        vm.expectRevert(staleCounter(patient, g.grantee, 1, 0));
        relayGrant(nodeB, g, sig);
    }

    function test_grantBySig_rejectsSignatureSupersededByDirectGrant() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        directGrant(patient, g.grantee, 1, inDays(1));
        vm.expectRevert(staleCounter(patient, g.grantee, 1, 0));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsFutureCounter() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.counter = 5;
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(staleCounter(patient, g.grantee, 0, 5));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsMalformedSignatureLengths() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(patientKey, grantDigestOf(g));
        bytes32 vs = bytes32(uint256(s) | (uint256(v - 27) << 255));
        bytes[4] memory malformed = [bytes(""), abi.encodePacked(r, vs), abi.encodePacked(sig, uint8(0)), new bytes(64)];
        for (uint256 i = 0; i < malformed.length; i++) {
            vm.expectRevert(invalidSignature(patient, address(0)));
            relayGrant(nodeA, g, malformed[i]);
        }
    }

    function test_grantBySig_rejectsHighSSignature() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(patientKey, grantDigestOf(g));
        bytes memory malleable = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        // ecrecover would accept it for the patient; the registry must not
        assertEq(recoverOf(grantDigestOf(g), malleable), patient, "malleable form recovers the patient");
        vm.expectRevert(invalidSignature(patient, address(0)));
        relayGrant(nodeA, g, malleable);
    }

    function test_grantBySig_rejectsInvalidV() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        (, bytes32 r, bytes32 s) = vm.sign(patientKey, grantDigestOf(g));
        vm.expectRevert(invalidSignature(patient, address(0)));
        relayGrant(nodeA, g, abi.encodePacked(r, s, uint8(29)));
    }

    function test_grantBySig_rejectsWrongSigner() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patient2Key, g);
        vm.expectRevert(invalidSignature(patient, patient2));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsSignatureForAnotherGrantee() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        g.grantee = practitionerGrantee(drB);
        address recovered = recoverOf(grantDigestOf(g), sig);
        assertTrue(recovered != patient && recovered != address(0), "recovers some other address");
        vm.expectRevert(invalidSignature(patient, recovered));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsAlteredFields() public {
        GrantMsg memory g = grantMsg(patient, hospitalGrantee(hospitalA), 1);
        bytes memory sig = signGrant(patientKey, g);
        GrantMsg[4] memory altered = [g, g, g, g];
        for (uint256 i = 0; i < 4; i++) {
            altered[i] = GrantMsg(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.deadline);
        }
        altered[0].scopes = ALL_SCOPES;
        altered[1].expiry = g.expiry + 1;
        altered[2].purpose = 3;
        altered[3].deadline = g.deadline + 1;
        for (uint256 i = 0; i < 4; i++) {
            address recovered = recoverOf(grantDigestOf(altered[i]), sig);
            vm.expectRevert(invalidSignature(patient, recovered));
            relayGrant(nodeA, altered[i], sig);
        }
    }

    function test_grantBySig_rejectsSignatureForAnotherRegistry() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        // sign the digest a registry at another address would compute
        bytes32 otherDomain = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("BbEHR ConsentRegistry"), keccak256("1"), block.chainid, address(1))
        );
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_TYPEHASH_STRING_HASH, g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.deadline
            )
        );
        bytes memory sig = signDigest(patientKey, keccak256(abi.encodePacked("\x19\x01", otherDomain, structHash)));
        vm.expectRevert(invalidSignature(patient, recoverOf(grantDigestOf(g), sig)));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsZeroPatient() public {
        GrantMsg memory g = grantMsg(address(0), practitionerGrantee(drA), 1);
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(invalidSignature(address(0), recoverOf(grantDigestOf(g), sig)));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_validatesScopesGranteeAndExpiryOfSignedMessage() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 0);
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidScopes.selector, uint64(0)));
        relayGrant(nodeA, g, sig);

        g = grantMsg(patient, HOSPITAL_FLAG, 1);
        sig = signGrant(patientKey, g);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidGrantee.selector, HOSPITAL_FLAG));
        relayGrant(nodeA, g, sig);

        g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.expiry = uint40(block.timestamp);
        sig = signGrant(patientKey, g);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryExpiryNotInFuture.selector, g.expiry, block.timestamp
            )
        );
        relayGrant(nodeA, g, sig);
    }

    // ---------------------------------------------------------------- revokeBySig

    function test_revokeBySig_relayedByAnyoneClearsGrantAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patientKey, patient, grantee, 1, deadline);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, 2);
        relayRevoke(stranger, patient, grantee, 1, deadline, sig);
        assertGrant(patient, grantee, 0, 0, 0, 2);
        assertFalse(registry.isAuthorized(patient, drA, 0), "revoked");
    }

    function test_revokeBySig_rejectsReplayedSignature() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patientKey, patient, grantee, 1, deadline);
        relayRevoke(stranger, patient, grantee, 1, deadline, sig);
        directGrant(patient, grantee, 1, inDays(30)); // counter 3
        vm.expectRevert(staleCounter(patient, grantee, 3, 1));
        relayRevoke(stranger, patient, grantee, 1, deadline, sig);
    }

    function test_revokeBySig_invalidatesOutstandingGrantSignature() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // counter 1
        bytes memory grantSig = signGrant(patientKey, g);
        uint256 deadline = block.timestamp + 1 hours;
        relayRevoke(stranger, patient, grantee, 1, deadline, signRevoke(patientKey, patient, grantee, 1, deadline));
        vm.expectRevert(staleCounter(patient, grantee, 2, 1));
        relayGrant(nodeA, g, grantSig);
    }

    function test_revokeBySig_rejectsGrantSignatureSubmittedAsRevoke() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // counter 1
        bytes memory grantSig = signGrant(patientKey, g);
        address recovered = recoverOf(revokeDigestOf(patient, grantee, g.counter, g.deadline), grantSig);
        assertTrue(recovered != patient, "different message");
        vm.expectRevert(invalidSignature(patient, recovered));
        relayRevoke(stranger, patient, grantee, g.counter, g.deadline, grantSig);
        assertTrue(registry.isAuthorized(patient, drA, 0), "grant intact");
    }

    function test_revokeBySig_rejectsRevokeSignatureSubmittedAsGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, 0, deadline);
        GrantMsg memory g = grantMsg(patient, grantee, 1);
        g.deadline = deadline;
        vm.expectRevert(invalidSignature(patient, recoverOf(grantDigestOf(g), revokeSig)));
        relayGrant(nodeA, g, revokeSig);
    }

    function test_revokeBySig_revertsAfterDeadline() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patientKey, patient, grantee, 1, deadline);
        vm.warp(deadline + 10);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistrySignatureExpired.selector, deadline, deadline + 10)
        );
        relayRevoke(stranger, patient, grantee, 1, deadline, sig);
    }

    function test_revokeBySig_rejectsWrongSigner() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patient2Key, patient, grantee, 1, deadline);
        vm.expectRevert(invalidSignature(patient, patient2));
        relayRevoke(stranger, patient, grantee, 1, deadline, sig);
    }

    function test_revokeBySig_rejectsMalformedSignature() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        vm.expectRevert(invalidSignature(patient, address(0)));
        relayRevoke(stranger, patient, grantee, 1, block.timestamp, new bytes(1));
    }

    function test_revokeBySig_revertsWithoutGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patientKey, patient, grantee, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNoGrant.selector, patient, grantee));
        relayRevoke(stranger, patient, grantee, 0, deadline, sig);
    }

    // ---------------------------------------------------------------- emergencyAccess

    function test_emergencyAccess_emitsForActivePractitioner() public {
        bytes32 reason = keccak256("unconscious patient, ED bay 3");
        vm.expectEmit(address(registry));
        emit IConsentRegistry.EmergencyAccessDeclared(patient, drB, hospitalB, reason);
        vm.prank(drB);
        registry.emergencyAccess(patient, reason);
    }

    function test_emergencyAccess_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        registry.emergencyAccess(patient, bytes32(0));
    }

    function test_emergencyAccess_revertsForNonPractitionerRolesAndNodes() public {
        address[4] memory callers = [adminA, auditorA, nodeA, admin];
        for (uint256 i = 0; i < callers.length; i++) {
            vm.expectRevert(unauthorized(callers[i]));
            vm.prank(callers[i]);
            registry.emergencyAccess(patient, bytes32(0));
        }
    }

    function test_emergencyAccess_revertsForPractitionerOfSuspendedHospital() public {
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        vm.expectRevert(unauthorized(drA));
        vm.prank(drA);
        registry.emergencyAccess(patient, bytes32(0));
    }

    // ---------------------------------------------------------------- isAuthorized / isHospitalAuthorized

    function test_isAuthorized_directGrantCoversOnlyGrantedCategories() public {
        uint64 scopes = (uint64(1) << DEMOGRAPHICS) | (uint64(1) << MEDICATIONS);
        directGrant(patient, practitionerGrantee(drA), scopes, inDays(30));
        for (uint8 c = 0; c <= 12; c++) {
            bool expected = c == DEMOGRAPHICS || c == MEDICATIONS;
            assertTrue(registry.isAuthorized(patient, drA, c) == expected, "category bit");
        }
        assertFalse(registry.isAuthorized(patient, drA2, DEMOGRAPHICS), "only that practitioner");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, DEMOGRAPHICS), "not the hospital");
    }

    function test_isAuthorized_falseAtAndAfterExpiry() public {
        uint40 expiry = inDays(1);
        directGrant(patient, practitionerGrantee(drA), 1, expiry);
        directGrant(patient, hospitalGrantee(hospitalB), 1, expiry);
        vm.warp(expiry - 1);
        assertTrue(registry.isAuthorized(patient, drA, 0), "just before expiry");
        assertTrue(registry.isAuthorized(patient, drB, 0), "hospital grant just before expiry");
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "hospital just before expiry");
        vm.warp(expiry);
        assertFalse(registry.isAuthorized(patient, drA, 0), "at expiry");
        assertFalse(registry.isAuthorized(patient, drB, 0), "hospital grant at expiry");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "hospital at expiry");
        vm.warp(expiry + 365 days);
        assertFalse(registry.isAuthorized(patient, drA, 0), "after expiry");
        // the expired grant is still stored until replaced or revoked
        assertEq(registry.getGrant(patient, practitionerGrantee(drA)).scopes, 1, "still stored");
    }

    function test_isAuthorized_falseAfterRevoke() public {
        directGrant(patient, practitionerGrantee(drA), ALL_SCOPES, inDays(30));
        vm.prank(patient);
        registry.revoke(practitionerGrantee(drA));
        for (uint8 c = 0; c <= 12; c++) {
            assertFalse(registry.isAuthorized(patient, drA, c), "revoked");
        }
    }

    function test_isAuthorized_hospitalGrantCoversItsActivePractitioners() public {
        directGrant(patient, hospitalGrantee(hospitalA), uint64(1) << LABORATORY, inDays(30));
        assertTrue(registry.isAuthorized(patient, drA, LABORATORY), "drA");
        assertTrue(registry.isAuthorized(patient, drA2, LABORATORY), "drA2");
        assertTrue(registry.isHospitalAuthorized(patient, hospitalA, LABORATORY), "hospital");
        assertFalse(registry.isAuthorized(patient, drA, MEDICATIONS), "ungranted category");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, MEDICATIONS), "hospital ungranted category");
    }

    function test_isAuthorized_hospitalGrantExcludesNonPractitionerRoles() public {
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        assertFalse(registry.isAuthorized(patient, adminA, 0), "hospital admin");
        assertFalse(registry.isAuthorized(patient, auditorA, 0), "auditor");
        assertFalse(registry.isAuthorized(patient, nodeA, 0), "node");
        // not even with a direct grant
        directGrant(patient, practitionerGrantee(adminA), ALL_SCOPES, inDays(30));
        directGrant(patient, practitionerGrantee(auditorA), ALL_SCOPES, inDays(30));
        assertFalse(registry.isAuthorized(patient, adminA, 0), "hospital admin, direct");
        assertFalse(registry.isAuthorized(patient, auditorA, 0), "auditor, direct");
    }

    function test_isAuthorized_hospitalGrantExcludesOtherHospitalsPractitioners() public {
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        assertFalse(registry.isAuthorized(patient, drB, 0), "drB");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "hospital B");
    }

    function test_isAuthorized_falseForNonStaffEvenWithDirectGrant() public {
        directGrant(patient, practitionerGrantee(stranger), ALL_SCOPES, inDays(30));
        assertFalse(registry.isAuthorized(patient, stranger, 0), "stranger");
    }

    function test_isAuthorized_sensitiveCategoryRequiresExplicitBit12() public {
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES & ~(uint64(1) << SENSITIVE), inDays(30));
        for (uint8 c = 0; c < SENSITIVE; c++) {
            assertTrue(registry.isAuthorized(patient, drA, c), "non-sensitive category");
        }
        assertFalse(registry.isAuthorized(patient, drA, SENSITIVE), "sensitive without bit 12");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, SENSITIVE), "hospital sensitive without bit 12");

        directGrant(patient, practitionerGrantee(drA), uint64(1) << SENSITIVE, inDays(30));
        assertTrue(registry.isAuthorized(patient, drA, SENSITIVE), "drA sensitive, explicit");
        assertFalse(registry.isAuthorized(patient, drA2, SENSITIVE), "drA2 still not");
    }

    function test_isAuthorized_directAndHospitalGrantsCombine() public {
        directGrant(patient, hospitalGrantee(hospitalA), uint64(1) << DEMOGRAPHICS, inDays(30));
        directGrant(patient, practitionerGrantee(drA), uint64(1) << MEDICATIONS, inDays(2));
        assertTrue(registry.isAuthorized(patient, drA, DEMOGRAPHICS), "via hospital");
        assertTrue(registry.isAuthorized(patient, drA, MEDICATIONS), "via direct");
        assertFalse(registry.isAuthorized(patient, drA2, MEDICATIONS), "drA2 not via direct");
        vm.warp(T0 + 3 days);
        assertFalse(registry.isAuthorized(patient, drA, MEDICATIONS), "direct expired");
        assertTrue(registry.isAuthorized(patient, drA, DEMOGRAPHICS), "hospital still valid");
    }

    function test_isAuthorized_directGrantFollowsPractitionerToNewHospital() public {
        directGrant(patient, practitionerGrantee(drA), 1, inDays(30));
        directGrant(patient, hospitalGrantee(hospitalA), 2, inDays(30));
        vm.prank(nodeA);
        directory.removeStaff(drA);
        vm.prank(nodeB);
        directory.addStaff(drA, IHospitalDirectory.StaffRole.Practitioner);
        assertTrue(registry.isAuthorized(patient, drA, 0), "direct grant is to the person");
        assertFalse(registry.isAuthorized(patient, drA, 1), "hospital A grant no longer applies");
    }

    function test_isAuthorized_revertsForInvalidCategory() public {
        uint8[3] memory invalid = [uint8(13), uint8(64), uint8(255)];
        for (uint256 i = 0; i < invalid.length; i++) {
            vm.expectRevert(
                abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidCategory.selector, invalid[i])
            );
            registry.isAuthorized(patient, drA, invalid[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidCategory.selector, invalid[i])
            );
            registry.isHospitalAuthorized(patient, hospitalA, invalid[i]);
        }
    }

    function test_isHospitalAuthorized_falseForUnknownOrSuspendedHospital() public {
        vm.prank(patient);
        registry.grant(hospitalGrantee(7), ALL_SCOPES, 0, inDays(30));
        assertFalse(registry.isHospitalAuthorized(patient, 7, 0), "unknown hospital");
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, 0), "suspended hospital");
        assertFalse(registry.isAuthorized(patient, drA, 0), "suspended hospital's practitioner");
    }

    function test_getGrant_returnsZeroForUnknownPair() public view {
        assertGrant(patient, practitionerGrantee(drA), 0, 0, 0, 0);
    }

    // ---------------------------------------------------------------- fuzz

    function _fuzzMsg(
        uint256 key,
        uint256 granteeSeed,
        uint64 scopes,
        uint8 purpose,
        uint40 expiryDelta,
        uint32 deadlineDelta
    ) internal view returns (GrantMsg memory g) {
        address signer = vm.addr(key);
        uint256 grantee = granteeSeed % 2 == 0
            ? bound(granteeSeed, 1, type(uint160).max)
            : HOSPITAL_FLAG | bound(granteeSeed, 1, type(uint32).max);
        g = GrantMsg({
            patient: signer,
            grantee: grantee,
            scopes: uint64(bound(scopes, 1, ALL_SCOPES)),
            purpose: purpose,
            expiry: uint40(block.timestamp + bound(expiryDelta, 1, type(uint40).max - block.timestamp)),
            counter: registry.getGrant(signer, grantee).counter,
            deadline: block.timestamp + deadlineDelta
        });
    }

    function testFuzz_grantBySig_validSignatureWorksExactlyOnce(
        uint256 key,
        uint256 granteeSeed,
        uint64 scopes,
        uint8 purpose,
        uint40 expiryDelta,
        uint32 deadlineDelta
    ) public {
        key = bound(key, 1, SECP256K1_N - 1);
        GrantMsg memory g = _fuzzMsg(key, granteeSeed, scopes, purpose, expiryDelta, deadlineDelta);
        bytes memory sig = signGrant(key, g);
        assertEq(
            registry.grantDigest(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.deadline),
            grantDigestOf(g),
            "digest"
        );

        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, 1);
        relayGrant(nodeA, g, sig);
        assertGrant(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, 1);

        vm.expectRevert(staleCounter(g.patient, g.grantee, 1, 0));
        relayGrant(nodeB, g, sig);
    }

    function testFuzz_grantBySig_anyOtherSignerFails(
        uint256 key,
        uint256 otherKey,
        uint256 granteeSeed,
        uint64 scopes,
        uint8 purpose,
        uint40 expiryDelta
    ) public {
        key = bound(key, 1, SECP256K1_N - 1);
        otherKey = bound(otherKey, 1, SECP256K1_N - 1);
        vm.assume(key != otherKey);
        GrantMsg memory g = _fuzzMsg(key, granteeSeed, scopes, purpose, expiryDelta, 1 hours);
        bytes memory sig = signGrant(otherKey, g);
        vm.expectRevert(invalidSignature(g.patient, vm.addr(otherKey)));
        relayGrant(nodeA, g, sig);
        assertEq(registry.getGrant(g.patient, g.grantee).counter, 0, "nothing stored");
    }

    function testFuzz_revokeBySig_validSignatureWorksExactlyOnce(uint256 key, uint256 granteeSeed, uint64 scopes)
        public
    {
        key = bound(key, 1, SECP256K1_N - 1);
        GrantMsg memory g = _fuzzMsg(key, granteeSeed, scopes, 0, 1 days, 1 hours);
        relayGrant(nodeA, g, signGrant(key, g));
        uint256 deadline = block.timestamp;
        bytes memory sig = signRevoke(key, g.patient, g.grantee, 1, deadline);
        assertEq(
            registry.revokeDigest(g.patient, g.grantee, 1, deadline),
            revokeDigestOf(g.patient, g.grantee, 1, deadline),
            "digest"
        );

        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(g.patient, g.grantee, 2);
        relayRevoke(stranger, g.patient, g.grantee, 1, deadline, sig);
        vm.expectRevert(staleCounter(g.patient, g.grantee, 2, 1));
        relayRevoke(stranger, g.patient, g.grantee, 1, deadline, sig);
    }

    function testFuzz_grant_rejectsInvalidGrantee(uint256 grantee) public {
        bool valid = (grantee != 0 && grantee < HOSPITAL_FLAG)
            || (grantee > HOSPITAL_FLAG && grantee <= (HOSPITAL_FLAG | type(uint32).max));
        vm.assume(!valid);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidGrantee.selector, grantee));
        vm.prank(patient);
        registry.grant(grantee, 1, 0, inDays(1));
    }

    function testFuzz_grant_rejectsScopesOutsideThirteenBits(uint64 scopes) public {
        scopes = scopes | uint64(1 << bound(scopes, 13, 63));
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidScopes.selector, scopes));
        vm.prank(patient);
        registry.grant(practitionerGrantee(drA), scopes, 0, inDays(1));
    }

    function testFuzz_isAuthorized_matchesScopesAndExpiry(uint64 scopes, uint8 category, uint32 life, uint32 elapsed)
        public
    {
        scopes = uint64(bound(scopes, 1, ALL_SCOPES));
        category = uint8(bound(category, 0, 12));
        life = uint32(bound(life, 1, type(uint32).max));
        bool viaHospital = elapsed % 2 == 0;
        directGrant(
            patient, viaHospital ? hospitalGrantee(hospitalA) : practitionerGrantee(drA), scopes, uint40(T0 + life)
        );
        vm.warp(T0 + elapsed);
        bool expected = (scopes >> category) & 1 == 1 && T0 + elapsed < T0 + life;
        assertTrue(registry.isAuthorized(patient, drA, category) == expected, "model");
        assertFalse(registry.isAuthorized(patient, drB, category), "other hospital never");
    }
}
