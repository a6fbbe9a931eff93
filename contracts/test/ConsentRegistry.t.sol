// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {IConsentRegistry} from "../src/IConsentRegistry.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice Error encodings and small helpers shared by the registry's test contracts.
abstract contract ConsentRegistryTestBase is Fixture {
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

    function revokedBefore(address patient_, uint256 grantee, uint256 before, uint256 issuedAt)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IConsentRegistry.ConsentRegistryRevokedBefore.selector, patient_, grantee, uint40(before), issuedAt
        );
    }

    function lifetimeError(uint256 issuedAt, uint256 deadline) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentRegistrySignatureLifetime.selector, issuedAt, deadline);
    }

    function expiredError(uint256 deadline, uint256 currentTime) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentRegistrySignatureExpired.selector, deadline, currentTime);
    }

    function unknownGrantee(uint256 grantee) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnknownGrantee.selector, grantee);
    }

    function unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, caller);
    }

    function staleLink(uint32 hospitalId, bytes32 patientIdHash, uint32 expected, uint32 given)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IConsentRegistry.ConsentRegistryStaleLink.selector, hospitalId, patientIdHash, expected, given
        );
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

    function assertNoGrant(address patient_, uint256 grantee, uint32 counter) internal view {
        assertGrant(patient_, grantee, 0, 0, 0, counter);
    }

    function revokedBeforeOf(address patient_, uint256 grantee) internal view returns (uint256) {
        return registry.getGrant(patient_, grantee).revokedBefore;
    }

    function grantedAtOf(address patient_, uint256 grantee) internal view returns (uint256) {
        return registry.getGrant(patient_, grantee).grantedAt;
    }

    function directRevoke(address patient_, uint256 grantee) internal {
        vm.prank(patient_);
        registry.revoke(grantee);
    }

    function directCancel(address patient_, uint256 grantee) internal {
        vm.prank(patient_);
        registry.cancel(grantee);
    }

    /// @dev The patient signs a revoke now (deadline in one hour) and a stranger relays it.
    function revokeBySigNow(uint256 key, uint256 grantee) internal {
        address signer = vm.addr(key);
        bytes memory sig = signRevoke(key, signer, grantee, block.timestamp, block.timestamp + 1 hours);
        relayRevoke(stranger, signer, grantee, block.timestamp, block.timestamp + 1 hours, sig);
    }

    /// @dev The patient signs a cancel now (deadline in one hour) and a stranger relays it.
    function cancelBySigNow(uint256 key, uint256 grantee) internal {
        address signer = vm.addr(key);
        bytes memory sig = signCancel(key, signer, grantee, block.timestamp, block.timestamp + 1 hours);
        relayCancel(stranger, signer, grantee, block.timestamp, block.timestamp + 1 hours, sig);
    }

    function copyOf(GrantMsg memory g) internal pure returns (GrantMsg memory) {
        return GrantMsg(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.issuedAt, g.deadline);
    }
}

contract ConsentRegistryTest is ConsentRegistryTestBase {
    // ---------------------------------------------------------------- constants, domain, digests

    function test_directory_returnsTheDirectory() public view {
        assertEq(address(registry.directory()), address(directory), "directory");
    }

    function test_constants_areTheDocumentedVersion2Limits() public view {
        assertEq(registry.VERSION(), 2, "version");
        assertEq(registry.MAX_CATEGORY(), 12, "max category");
        assertEq(registry.MAX_SIGNATURE_LIFETIME(), 30 days, "signature lifetime");
        assertEq(registry.MAX_CLOCK_SKEW(), 5 minutes, "clock skew");
        assertEq(registry.MAX_EMERGENCY_PER_WINDOW(), 10, "emergency limit");
        assertEq(registry.EMERGENCY_WINDOW(), 1 days, "emergency window");
    }

    function test_typehashes_matchTheDocumentedTypeStrings() public view {
        assertEq(registry.GRANT_TYPEHASH(), GRANT_TYPEHASH_STRING_HASH, "grant typehash");
        assertEq(registry.REVOKE_TYPEHASH(), REVOKE_TYPEHASH_STRING_HASH, "revoke typehash");
        assertEq(registry.CANCEL_TYPEHASH(), CANCEL_TYPEHASH_STRING_HASH, "cancel typehash");
        assertEq(registry.LINK_TYPEHASH(), LINK_TYPEHASH_STRING_HASH, "link typehash");
    }

    function test_eip712Domain_isBbEHRConsentRegistryVersion2() public view {
        (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            registry.eip712Domain();
        assertEq(uint8(fields), 0x0f, "fields");
        assertEq(name, "BbEHR ConsentRegistry", "name");
        assertEq(version, "2", "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifyingContract, address(registry), "verifying contract");
    }

    function test_grantDigest_equalsIndependentlyComputedEip712DigestAndSignsEveryField() public view {
        GrantMsg memory g =
            GrantMsg(patient, hospitalGrantee(hospitalA), 0x1abc, 3, uint40(T0 + 99), 7, T0 - 10, T0 + 5);
        bytes32 expected = grantDigestOf(g);
        assertEq(
            registry.grantDigest(
                g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.issuedAt, g.deadline
            ),
            expected,
            "grant digest"
        );
        assertNotEq(
            registry.grantDigest(
                g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter + 1, g.issuedAt, g.deadline
            ),
            expected,
            "counter is signed"
        );
        assertNotEq(
            registry.grantDigest(
                g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.issuedAt + 1, g.deadline
            ),
            expected,
            "issuedAt is signed"
        );
    }

    function test_revokeAndCancelDigests_equalIndependentlyComputedDigestsAndDiffer() public view {
        uint256 grantee = practitionerGrantee(drA);
        bytes32 revokeDigest = registry.revokeDigest(patient, grantee, T0 - 4, T0 + 60);
        bytes32 cancelDigest = registry.cancelDigest(patient, grantee, T0 - 4, T0 + 60);
        assertEq(revokeDigest, revokeDigestOf(patient, grantee, T0 - 4, T0 + 60), "revoke digest");
        assertEq(cancelDigest, cancelDigestOf(patient, grantee, T0 - 4, T0 + 60), "cancel digest");
        assertNotEq(revokeDigest, cancelDigest, "a revoke is not a cancel");
        assertNotEq(revokeDigest, registry.revokeDigest(patient, grantee, T0 - 3, T0 + 60), "issuedAt is signed");
    }

    function test_linkDigest_equalsIndependentlyComputedDigestAndSignsEveryField() public view {
        LinkMsg memory l = LinkMsg(patient, hospitalA, keccak256("salted id"), 3, T0 - 1, T0 + 60);
        bytes32 expected = linkDigestOf(l);
        assertEq(
            registry.linkDigest(l.patient, l.hospitalId, l.patientIdHash, l.counter, l.issuedAt, l.deadline),
            expected,
            "link digest"
        );
        assertNotEq(
            registry.linkDigest(l.patient, hospitalB, l.patientIdHash, l.counter, l.issuedAt, l.deadline),
            expected,
            "hospital is signed"
        );
        assertNotEq(
            registry.linkDigest(patient2, l.hospitalId, l.patientIdHash, l.counter, l.issuedAt, l.deadline),
            expected,
            "address is signed"
        );
        assertNotEq(
            registry.linkDigest(l.patient, l.hospitalId, l.patientIdHash, l.counter + 1, l.issuedAt, l.deadline),
            expected,
            "counter is signed"
        );
    }

    // ---------------------------------------------------------------- grant

    function test_grant_storesGrantWithGrantedAtNowAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        uint40 expiry = inDays(30);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(patient, grantee, 0x51, 2, expiry, 1, uint40(T0));
        vm.prank(patient);
        registry.grant(grantee, 0x51, 2, expiry);
        assertGrant(patient, grantee, 0x51, 2, expiry, 1);
        assertEq(grantedAtOf(patient, grantee), T0, "grantedAt");
        assertEq(revokedBeforeOf(patient, grantee), 0, "revokedBefore");
    }

    function test_grant_replacesExistingGrantAndBumpsCounter() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.warp(T0 + 1 hours);
        uint40 expiry = inDays(7);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(patient, grantee, 1, 3, expiry, 2, uint40(T0 + 1 hours));
        vm.prank(patient);
        registry.grant(grantee, 1, 3, expiry);
        assertGrant(patient, grantee, 1, 3, expiry, 2);
        assertFalse(registry.isAuthorized(patient, drA, MEDICATIONS), "narrowed");
    }

    function test_grant_isPerPatientAndPerGrantee() public {
        directGrant(patient, practitionerGrantee(drA), ALL_SCOPES, inDays(30));
        assertNoGrant(patient, practitionerGrantee(drA2), 0);
        assertNoGrant(patient2, practitionerGrantee(drA), 0);
        assertFalse(registry.isAuthorized(patient2, drA, DEMOGRAPHICS), "other patient");
        assertFalse(registry.isAuthorized(patient, drA2, DEMOGRAPHICS), "other practitioner");
    }

    function test_grant_acceptsBoundaryEncodingsOfExistingGrantees() public {
        address lowest = address(1);
        address highest = address(type(uint160).max);
        vm.startPrank(nodeA);
        directory.addStaff(lowest, IHospitalDirectory.StaffRole.Practitioner);
        directory.addStaff(highest, IHospitalDirectory.StaffRole.Practitioner);
        vm.stopPrank();
        vm.startPrank(patient);
        registry.grant(uint256(type(uint160).max), 1, 0, inDays(1));
        registry.grant(1, 1, 0, inDays(1));
        registry.grant(HOSPITAL_FLAG | 1, 1, 0, inDays(1));
        registry.grant(HOSPITAL_FLAG | directory.hospitalCount(), 1, 0, inDays(1));
        vm.stopPrank();
        assertEq(registry.getGrant(patient, 1).counter, 1, "lowest practitioner address");
        assertEq(registry.getGrant(patient, uint256(type(uint160).max)).counter, 1, "highest practitioner address");
        assertEq(registry.getGrant(patient, HOSPITAL_FLAG | 2).counter, 1, "highest registered hospital");
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

    function test_grant_refusesGranteeWhoIsNotAPractitionerInTheDirectory() public {
        vm.prank(nodeA);
        directory.removeStaff(drA2);
        address[6] memory notPractitioners = [stranger, nodeA, adminA, auditorA, drA2, patient2];
        for (uint256 i = 0; i < notPractitioners.length; i++) {
            uint256 grantee = practitionerGrantee(notPractitioners[i]);
            vm.expectRevert(unknownGrantee(grantee));
            vm.prank(patient);
            registry.grant(grantee, ALL_SCOPES, 0, inDays(30));
            assertEq(registry.getGrant(patient, grantee).counter, 0, "nothing stored");
        }
    }

    function test_grant_refusesUnregisteredHospital() public {
        uint256[3] memory unregistered = [hospitalGrantee(3), hospitalGrantee(7), hospitalGrantee(type(uint32).max)];
        for (uint256 i = 0; i < unregistered.length; i++) {
            vm.expectRevert(unknownGrantee(unregistered[i]));
            vm.prank(patient);
            registry.grant(unregistered[i], ALL_SCOPES, 0, inDays(30));
        }
        // once registered, the hospital may be granted
        vm.prank(admin);
        uint32 hospitalC = directory.registerHospital(vm.addr(0xC0), "Hospital C", "https://c.example/fhir");
        assertEq(hospitalC, 3, "third hospital");
        directGrant(patient, hospitalGrantee(hospitalC), ALL_SCOPES, inDays(30));
        assertTrue(registry.isHospitalAuthorized(patient, hospitalC, 0), "now granted");
    }

    function test_grant_toSuspendedHospitalOrItsPractitionerIsStoredButAuthorizesOnlyOnceReactivated() public {
        vm.prank(admin);
        directory.setHospitalStatus(hospitalB, IHospitalDirectory.HospitalStatus.Suspended);
        directGrant(patient, hospitalGrantee(hospitalB), 1, inDays(30));
        directGrant(patient, practitionerGrantee(drB), 2, inDays(30));
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "suspended hospital");
        assertFalse(registry.isAuthorized(patient, drB, 1), "suspended hospital's practitioner");
        vm.prank(admin);
        directory.setHospitalStatus(hospitalB, IHospitalDirectory.HospitalStatus.Active);
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "reactivated hospital");
        assertTrue(registry.isAuthorized(patient, drB, 1), "reactivated hospital's practitioner");
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

    function test_revoke_endsGrantKeepsCounterRecordsRevokedBeforeTheSkewAheadAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.warp(T0 + 1 hours);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(T0 + 1 hours + MAX_SKEW));
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 1);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 hours + MAX_SKEW, "revokedBefore is now plus the skew");
        assertFalse(registry.isAuthorized(patient, drA, DEMOGRAPHICS), "revoked");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, DEMOGRAPHICS), "hospital revoked");

        // a later grant continues the counter and keeps revokedBefore
        vm.warp(T0 + 2 hours);
        directGrant(patient, grantee, 1, inDays(1));
        assertGrant(patient, grantee, 1, 0, inDays(1), 2);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 hours + MAX_SKEW, "revokedBefore kept");
    }

    function test_revoke_withNoGrantSucceedsAndRecordsRevokedBeforeTheSkewAhead() public {
        uint256 grantee = practitionerGrantee(drA);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(T0 + MAX_SKEW));
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 0);
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "revokedBefore");
    }

    function test_revoke_twiceIsHarmlessAndCoversFromTheLatest() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        vm.warp(T0 + 10);
        directRevoke(patient, grantee);
        vm.warp(T0 + 20);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(T0 + 20 + MAX_SKEW));
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 1);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 20 + MAX_SKEW, "latest revoke");
    }

    function test_revoke_byStrangerOnlyTouchesStrangersOwnPair() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        vm.warp(T0 + 10);
        directRevoke(stranger, grantee);
        assertTrue(registry.isAuthorized(patient, drA, DEMOGRAPHICS), "patient's grant intact");
        assertEq(revokedBeforeOf(patient, grantee), 0, "patient's pair untouched");
        assertEq(revokedBeforeOf(stranger, grantee), T0 + 10 + MAX_SKEW, "stranger's own pair");
    }

    function test_revoke_succeedsForExpiredGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        vm.warp(T0 + 2 days);
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 1);
    }

    function test_revoke_refusesLaterRelayOfGrantSignedUpToTheSkewAfterIt() public {
        uint256 grantee = practitionerGrantee(drA);
        GrantMsg memory older = grantMsg(patient, grantee, ALL_SCOPES); // signed at T0
        bytes memory olderSig = signGrant(patientKey, older);
        vm.warp(T0 + 1 hours);
        GrantMsg memory sameSecond = grantMsg(patient, grantee, ALL_SCOPES); // signed at T0 + 1 hours
        bytes memory sameSecondSig = signGrant(patientKey, sameSecond);
        directRevoke(patient, grantee);
        uint256 covers = T0 + 1 hours + MAX_SKEW;

        vm.expectRevert(revokedBefore(patient, grantee, covers, T0));
        relayGrant(nodeA, older, olderSig);
        vm.expectRevert(revokedBefore(patient, grantee, covers, T0 + 1 hours));
        relayGrant(nodeA, sameSecond, sameSecondSig);
        // signed during the five minutes after the revoke, however it is dated: refused, even once time has passed
        vm.warp(covers);
        GrantMsg memory withinSkew = grantMsg(patient, grantee, ALL_SCOPES); // issuedAt == covers
        bytes memory withinSkewSig = signGrant(patientKey, withinSkew);
        vm.warp(covers + 1 hours);
        vm.expectRevert(revokedBefore(patient, grantee, covers, covers));
        relayGrant(nodeA, withinSkew, withinSkewSig);
        assertNoGrant(patient, grantee, 0);
    }

    /// @dev The reviewer's hole in the previous rules: the patient signs a grant dated the full skew ahead and hands it
    /// to a hospital, then revokes; a revoke covering only "now" let the hospital relay the grant afterwards.
    function test_revoke_directEndsAnUnrelayedGrantDatedAheadWhenItIsRelayedLater() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp + MAX_SKEW; // dated as far ahead as the registry accepts
        bytes memory sig = signGrant(patientKey, g); // handed to hospital B, which holds it back
        directRevoke(patient, grantee); // in the same second the grant was signed
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "covers the grant's date");
        vm.warp(T0 + 1 minutes);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayGrant(nodeB, g, sig);
        vm.warp(T0 + 50 minutes); // nor once the chain is past its date
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayGrant(nodeB, g, sig);
        assertNoGrant(patient, grantee, 0);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "never granted");
    }

    /// @dev For the five minutes a revoke covers, a newly signed grant is refused; the patient can still grant
    /// directly.
    function test_revoke_signedGrantWithinTheSkewAfterItIsRefusedButADirectGrantWorks() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        directRevoke(patient, grantee);
        vm.warp(T0 + MAX_SKEW);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // issuedAt T0 + MAX_SKEW
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayGrant(nodeA, g, sig);
        directGrant(patient, grantee, ALL_SCOPES, inDays(1));
        assertGrant(patient, grantee, ALL_SCOPES, 0, inDays(1), 2);
        assertTrue(registry.isAuthorized(patient, drA, SENSITIVE), "the direct grant stands");
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "revokedBefore kept");
    }

    function test_revoke_grantSignedMoreThanTheSkewAfterItRelays() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(1));
        directRevoke(patient, grantee);
        vm.warp(T0 + MAX_SKEW + 1);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // counter 1: a revoke does not bump it
        assertEq(g.counter, 1, "counter kept");
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertGrant(patient, grantee, ALL_SCOPES, 0, g.expiry, 2);
        assertTrue(registry.isAuthorized(patient, drA, SENSITIVE), "granted after what the revoke covers");
    }

    /// @dev A grant signed just after the revoke but dated ahead, past what the revoke covers, relays: it is later.
    function test_revoke_grantDatedPastWhatItCoversRelaysEvenBeforeThatTime() public {
        uint256 grantee = practitionerGrantee(drA);
        directRevoke(patient, grantee);
        vm.warp(T0 + 1);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = T0 + 1 + MAX_SKEW;
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertEq(grantedAtOf(patient, grantee), T0 + 1 + MAX_SKEW, "grantedAt");
        assertTrue(registry.isAuthorized(patient, drA, 0), "granted");
    }

    function test_revoke_endsGrantAFrontRunningHospitalRelayedJustBeforeIt() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g); // handed to hospital B, not yet relayed
        vm.warp(T0 + 20 minutes);
        // hospital B sees the patient's revoke coming and relays the grant first, in the same block
        relayGrant(nodeB, g, sig);
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "relayed");
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 1);
        assertFalse(registry.isAuthorized(patient, drB, 0), "revoke still ends it");
        vm.expectRevert(staleCounter(patient, grantee, 1, 0));
        relayGrant(nodeB, g, sig);
    }

    /// @dev A grant relayed with `issuedAt` the full skew ahead is stored with that `grantedAt`; a direct revoke in
    /// the same second covers exactly that and ends it.
    function test_revoke_directEndsAGrantRelayedWithIssuedAtAhead() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp + MAX_SKEW;
        relayGrant(nodeB, g, signGrant(patientKey, g));
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(T0 + MAX_SKEW));
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 1);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "the patient's revoke ends the grant");
        assertFalse(registry.isAuthorized(patient, drB, 0), "its practitioner too");
        // it covers the grant's date: nothing signed up to then relays, something signed after does
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "revokedBefore is the grant's grantedAt");
        GrantMsg memory notAfter = grantMsg(patient, grantee, ALL_SCOPES);
        notAfter.issuedAt = T0 + MAX_SKEW;
        bytes memory notAfterSig = signGrant(patientKey, notAfter);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayGrant(nodeB, notAfter, notAfterSig);
        vm.warp(T0 + 1);
        notAfter.issuedAt = T0 + MAX_SKEW + 1;
        relayGrant(nodeB, notAfter, signGrant(patientKey, notAfter));
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "a grant signed after it relays");
    }

    /// @dev A signed revoke dated ahead covers up to twice the skew past its relay; a direct revoke soon after keeps
    /// that rather than lowering it to its own now plus the skew.
    function test_revoke_directAfterASignedRevokeDatedAheadKeepsItsRevokedBefore() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 ahead = block.timestamp + MAX_SKEW;
        bytes memory sig = signRevoke(patientKey, patient, grantee, ahead, ahead + 1 hours);
        relayRevoke(stranger, patient, grantee, ahead, ahead + 1 hours, sig);
        assertEq(revokedBeforeOf(patient, grantee), ahead + MAX_SKEW, "the signed revoke's");
        vm.warp(T0 + 1 minutes);
        directGrant(patient, grantee, 1, inDays(1));
        vm.warp(T0 + 2 minutes);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(ahead + MAX_SKEW));
        directRevoke(patient, grantee);
        assertNoGrant(patient, grantee, 1);
        assertEq(revokedBeforeOf(patient, grantee), ahead + MAX_SKEW, "not lowered to now plus the skew");
    }

    // ---------------------------------------------------------------- cancel

    function test_cancel_endsGrantBumpsCounterRecordsRevokedBeforeTheSkewAheadAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.warp(T0 + 1 hours);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentCancelled(patient, grantee, uint40(T0 + 1 hours + MAX_SKEW));
        directCancel(patient, grantee);
        assertNoGrant(patient, grantee, 2);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 hours + MAX_SKEW, "revokedBefore");
        assertFalse(registry.isAuthorized(patient, drA, 0), "cancelled");
    }

    function test_cancel_worksWithNoGrantEverRelayed() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        vm.warp(T0 + 1 hours);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentCancelled(patient, grantee, uint40(T0 + 1 hours + MAX_SKEW));
        directCancel(patient, grantee);
        assertNoGrant(patient, grantee, 1);
        vm.expectRevert(staleCounter(patient, grantee, 1, 0));
        relayGrant(nodeB, g, sig);
    }

    function test_cancel_killsUnrelayedSignatureEvenIfSignedAfterItAtTheOldCounter() public {
        uint256 grantee = practitionerGrantee(drA);
        directCancel(patient, grantee); // counter 1, as of T0
        vm.warp(T0 + 1 hours);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.counter = 0; // signed after the cancel, but for the counter before it
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(staleCounter(patient, grantee, 1, 0));
        relayGrant(nodeA, g, sig);
        // at the current counter it relays
        g.counter = 1;
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertGrant(patient, grantee, ALL_SCOPES, 0, g.expiry, 2);
    }

    function test_cancel_refusesAGrantAtTheNewCounterSignedWithinTheSkewAfterIt() public {
        uint256 grantee = practitionerGrantee(drA);
        directCancel(patient, grantee); // counter 1, covers T0 + MAX_SKEW
        vm.warp(T0 + 1 minutes);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        assertEq(g.counter, 1, "new counter");
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + 1 minutes));
        relayGrant(nodeA, g, sig);
        vm.warp(T0 + MAX_SKEW + 1);
        g = grantMsg(patient, grantee, ALL_SCOPES);
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertGrant(patient, grantee, ALL_SCOPES, 0, g.expiry, 2);
    }

    function test_cancel_twiceBumpsCounterTwiceAndCoversFromTheLatest() public {
        uint256 grantee = practitionerGrantee(drA);
        directCancel(patient, grantee);
        vm.warp(T0 + 1);
        directCancel(patient, grantee);
        assertNoGrant(patient, grantee, 2);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 + MAX_SKEW, "latest cancel");
    }

    function test_cancel_onlyTouchesTheCallersPair() public {
        directGrant(patient, practitionerGrantee(drA), 1, inDays(1));
        directGrant(patient, practitionerGrantee(drA2), 1, inDays(1));
        directGrant(patient2, practitionerGrantee(drA), 1, inDays(1));
        vm.warp(T0 + 10);
        directCancel(patient, practitionerGrantee(drA));
        assertFalse(registry.isAuthorized(patient, drA, 0), "cancelled");
        assertTrue(registry.isAuthorized(patient, drA2, 0), "other grantee intact");
        assertTrue(registry.isAuthorized(patient2, drA, 0), "other patient intact");
        assertEq(registry.getGrant(patient2, practitionerGrantee(drA)).counter, 1, "other patient's counter");
    }

    function test_cancel_endsGrantAFrontRunningHospitalRelayedJustBeforeIt() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        vm.warp(T0 + 30 minutes);
        relayGrant(nodeB, g, sig);
        directCancel(patient, grantee);
        assertNoGrant(patient, grantee, 2);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "cancel still ends it");
    }

    function test_cancel_directEndsAGrantRelayedWithIssuedAtAhead() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp + MAX_SKEW;
        relayGrant(nodeB, g, signGrant(patientKey, g));
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentCancelled(patient, grantee, uint40(T0 + MAX_SKEW));
        directCancel(patient, grantee);
        assertNoGrant(patient, grantee, 2);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "the patient's cancel ends the grant");
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "revokedBefore is the grant's grantedAt");
    }

    function test_cancel_directAfterASignedCancelDatedAheadKeepsItsRevokedBefore() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 ahead = block.timestamp + MAX_SKEW;
        bytes memory sig = signCancel(patientKey, patient, grantee, ahead, ahead + 1 hours);
        relayCancel(stranger, patient, grantee, ahead, ahead + 1 hours, sig);
        vm.warp(T0 + 1 minutes);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentCancelled(patient, grantee, uint40(ahead + MAX_SKEW));
        directCancel(patient, grantee);
        assertNoGrant(patient, grantee, 2);
        assertEq(revokedBeforeOf(patient, grantee), ahead + MAX_SKEW, "not lowered to now plus the skew");
    }

    // ---------------------------------------------------------------- grantBySig

    function test_grantBySig_relayedByActiveNodeStoresGrantWithSignedIssuedAtAndEmits() public {
        GrantMsg memory g = grantMsg(patient, hospitalGrantee(hospitalB), 0x1010);
        g.purpose = 1;
        g.issuedAt = T0 - 2 hours;
        bytes memory sig = signGrant(patientKey, g);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(patient, g.grantee, 0x1010, 1, g.expiry, 1, uint40(T0 - 2 hours));
        relayGrant(nodeA, g, sig);
        assertGrant(patient, g.grantee, 0x1010, 1, g.expiry, 1);
        assertEq(grantedAtOf(patient, g.grantee), T0 - 2 hours, "grantedAt is the signed issuedAt");
        assertTrue(registry.isAuthorized(patient, drB, SENSITIVE), "drB sensitive");
    }

    function test_grantBySig_acceptsDeadlineEqualToNow() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.deadline = block.timestamp;
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertEq(registry.getGrant(patient, g.grantee).counter, 1, "granted");
    }

    function test_grantBySig_acceptsDeadlineExactlyAtTheThirtyDayCap() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.deadline = g.issuedAt + 30 days;
        vm.warp(g.deadline);
        g.expiry = inDays(1);
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertEq(registry.getGrant(patient, g.grantee).counter, 1, "granted on its last valid second");
    }

    function test_grantBySig_refusesDeadlinePastTheThirtyDayCap() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.deadline = g.issuedAt + 30 days + 1;
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(lifetimeError(g.issuedAt, g.deadline));
        relayGrant(nodeA, g, sig);

        // an open-ended bearer grant, as v1 allowed, is refused
        g.deadline = type(uint256).max;
        sig = signGrant(patientKey, g);
        vm.expectRevert(lifetimeError(g.issuedAt, g.deadline));
        relayGrant(nodeA, g, sig);

        // an old signature whose deadline is still ahead
        g.issuedAt = T0 - 31 days;
        g.deadline = T0 + 1;
        sig = signGrant(patientKey, g);
        vm.expectRevert(lifetimeError(g.issuedAt, g.deadline));
        relayGrant(nodeA, g, sig);
        assertEq(registry.getGrant(patient, g.grantee).counter, 0, "nothing stored");
    }

    function test_grantBySig_acceptsIssuedAtUpToTheClockSkewAhead() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.issuedAt = block.timestamp + 5 minutes;
        relayGrant(nodeA, g, signGrant(patientKey, g));
        assertEq(grantedAtOf(patient, g.grantee), T0 + 5 minutes, "grantedAt");
    }

    function test_grantBySig_refusesIssuedAtBeyondTheClockSkewUntilTimeCatchesUp() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        g.issuedAt = block.timestamp + 5 minutes + 1;
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(lifetimeError(g.issuedAt, g.deadline));
        relayGrant(nodeA, g, sig);
        vm.warp(T0 + 1);
        relayGrant(nodeA, g, sig);
        assertEq(registry.getGrant(patient, g.grantee).counter, 1, "granted once within the skew");
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
        vm.expectRevert(expiredError(g.deadline, g.deadline + 1));
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
        GrantMsg[5] memory altered;
        for (uint256 i = 0; i < altered.length; i++) {
            altered[i] = copyOf(g);
        }
        altered[0].scopes = ALL_SCOPES;
        altered[1].expiry = g.expiry + 1;
        altered[2].purpose = 3;
        altered[3].deadline = g.deadline + 1;
        altered[4].issuedAt = g.issuedAt - 1;
        for (uint256 i = 0; i < altered.length; i++) {
            address recovered = recoverOf(grantDigestOf(altered[i]), sig);
            vm.expectRevert(invalidSignature(patient, recovered));
            relayGrant(nodeA, altered[i], sig);
        }
    }

    function test_grantBySig_rejectsSignatureForAnotherRegistry() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signDigest(patientKey, grantDigestInDomain(g, "2", address(1)));
        vm.expectRevert(invalidSignature(patient, recoverOf(grantDigestOf(g), sig)));
        relayGrant(nodeA, g, sig);
    }

    function test_grantBySig_rejectsSignatureForTheVersion1Domain() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(drA), 1);
        bytes memory sig = signDigest(patientKey, grantDigestInDomain(g, "1", address(registry)));
        vm.expectRevert(invalidSignature(patient, recoverOf(grantDigestOf(g), sig)));
        relayGrant(nodeA, g, sig);
    }

    function grantDigestInDomain(GrantMsg memory g, string memory version, address verifyingContract)
        internal
        view
        returns (bytes32)
    {
        bytes32 domain = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256("BbEHR ConsentRegistry"),
                keccak256(bytes(version)),
                block.chainid,
                verifyingContract
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_TYPEHASH_STRING_HASH,
                g.patient,
                g.grantee,
                g.scopes,
                g.purpose,
                g.expiry,
                g.counter,
                g.issuedAt,
                g.deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
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

    function test_grantBySig_refusesUnknownPractitionerAndUnregisteredHospital() public {
        GrantMsg memory g = grantMsg(patient, practitionerGrantee(stranger), ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(unknownGrantee(g.grantee));
        relayGrant(nodeA, g, sig);

        g = grantMsg(patient, hospitalGrantee(3), ALL_SCOPES);
        sig = signGrant(patientKey, g);
        vm.expectRevert(unknownGrantee(g.grantee));
        relayGrant(nodeA, g, sig);
    }

    // ---------------------------------------------------------------- revokeBySig

    function test_revokeBySig_relayedByAnyoneEndsGrantKeepsCounterCoversTheSkewPastItsIssuedAtAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.warp(T0 + 1 hours);
        uint256 issuedAt = block.timestamp - 10 minutes;
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patientKey, patient, grantee, issuedAt, deadline);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(issuedAt + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, sig);
        assertNoGrant(patient, grantee, 1);
        assertEq(revokedBeforeOf(patient, grantee), issuedAt + MAX_SKEW, "revokedBefore is issuedAt plus the skew");
        assertFalse(registry.isAuthorized(patient, drA, 0), "revoked");
    }

    function test_revokeBySig_needsNoGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory grantSig = signGrant(patientKey, g);
        vm.warp(T0 + 1 hours);
        revokeBySigNow(patientKey, grantee);
        assertNoGrant(patient, grantee, 0);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 hours + MAX_SKEW, "revokedBefore");
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 1 hours + MAX_SKEW, T0));
        relayGrant(nodeA, g, grantSig);
    }

    /// @dev The reviewer's hole, for a signed revoke: the grant dated the full skew ahead, signed and held back by a
    /// hospital, is refused when relayed after a revoke the patient signed in the same second.
    function test_revokeBySig_endsAnUnrelayedGrantDatedAheadWhenItIsRelayedLater() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp + MAX_SKEW;
        bytes memory sig = signGrant(patientKey, g); // handed to hospital B, which holds it back
        revokeBySigNow(patientKey, grantee); // issuedAt T0, relayed by anyone
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "covers the grant's date");
        vm.warp(T0 + 1 minutes);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayGrant(nodeB, g, sig);
        vm.warp(T0 + 50 minutes);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayGrant(nodeB, g, sig);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "never granted");
    }

    /// @dev A second signed revoke a few seconds after the first covers more than it, so it is not refused as stale,
    /// and it ends the grant the patient made in between.
    function test_revokeBySig_secondSignedRevokeAFewSecondsAfterTheFirstIsAccepted() public {
        uint256 grantee = practitionerGrantee(drA);
        revokeBySigNow(patientKey, grantee); // covers T0 + MAX_SKEW
        vm.warp(T0 + 1);
        directGrant(patient, grantee, ALL_SCOPES, inDays(1));
        vm.warp(T0 + 3);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentRevoked(patient, grantee, uint40(T0 + 3 + MAX_SKEW));
        revokeBySigNow(patientKey, grantee);
        assertNoGrant(patient, grantee, 1);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 3 + MAX_SKEW, "the second revoke's");
        assertFalse(registry.isAuthorized(patient, drA, 0), "the grant in between is ended");
    }

    function test_revokeBySig_replayedIsRefusedAndLeavesAGrantSignedAfterIt() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        vm.warp(T0 + 1 hours);
        uint256 issuedAt = block.timestamp;
        uint256 covers = issuedAt + MAX_SKEW;
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = signRevoke(patientKey, patient, grantee, issuedAt, deadline);
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, sig);
        // relayed again in the same second, by anyone: refused, as it covers no more than itself
        vm.expectRevert(revokedBefore(patient, grantee, covers, covers));
        relayRevoke(nodeB, patient, grantee, issuedAt, deadline, sig);
        assertNoGrant(patient, grantee, 1);
        assertEq(revokedBeforeOf(patient, grantee), covers, "revokedBefore");

        // a grant signed after the revoke: every later replay of it is refused and the grant stands
        vm.warp(T0 + 2 hours);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        relayGrant(nodeA, g, signGrant(patientKey, g));
        vm.warp(T0 + 3 hours);
        vm.expectRevert(revokedBefore(patient, grantee, covers, covers));
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, sig);
        assertGrant(patient, grantee, ALL_SCOPES, 0, g.expiry, 2);
        assertEq(revokedBeforeOf(patient, grantee), covers, "revokedBefore unchanged");
        assertTrue(registry.isAuthorized(patient, drA, SENSITIVE), "newer grant intact");
    }

    /// @dev A replayed signed revoke is refused before anything else changes, so it never ends a direct grant made
    /// after the revoke was relayed (a direct grant inside what the revoke covers included).
    function test_revokeBySig_replayIsRefusedSoItNeverEndsALaterDirectGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = signRevoke(patientKey, patient, grantee, block.timestamp, deadline);
        relayRevoke(stranger, patient, grantee, block.timestamp, deadline, sig);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30)); // the patient grants again, in the same block
        assertTrue(registry.isAuthorized(patient, drA, 0), "granted after the revoke");
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, block.timestamp, deadline, sig); // anyone replays the revoke
        assertGrant(patient, grantee, ALL_SCOPES, 0, inDays(30), 1);
        assertTrue(registry.isAuthorized(patient, drA, 0), "the replay did not end the later grant");
    }

    /// @dev The same with a revoke dated within the skew ahead (covering twice the skew past its relay): the grant
    /// made a minute after its relay stands when the revoke is replayed.
    function test_revokeBySig_replayOfARevokeDatedAheadIsRefusedSoItNeverEndsALaterDirectGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 issuedAt = block.timestamp + MAX_SKEW;
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = signRevoke(patientKey, patient, grantee, issuedAt, deadline);
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, sig);
        vm.warp(T0 + 1 minutes);
        uint40 expiry = inDays(30);
        directGrant(patient, grantee, ALL_SCOPES, expiry);
        assertEq(grantedAtOf(patient, grantee), T0 + 1 minutes, "granted inside what the revoke covers");
        vm.warp(T0 + 2 minutes);
        vm.expectRevert(revokedBefore(patient, grantee, issuedAt + MAX_SKEW, issuedAt + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, sig);
        assertGrant(patient, grantee, ALL_SCOPES, 0, expiry, 1);
        assertTrue(registry.isAuthorized(patient, drA, 0), "the replay did not end the later grant");
    }

    /// @dev Whether a signed revoke is newer is checked only once its signature is the patient's: a forged or
    /// malformed one reports the bad signature, however stale it is.
    function test_revokeBySig_checksTheSignatureBeforeWhetherItIsNewer() public {
        uint256 grantee = practitionerGrantee(drA);
        revokeBySigNow(patientKey, grantee);
        uint256 deadline = T0 + 1 hours;
        bytes memory forged = signRevoke(patient2Key, patient, grantee, T0, deadline); // stale and forged
        vm.expectRevert(invalidSignature(patient, patient2));
        relayRevoke(stranger, patient, grantee, T0, deadline, forged);
        vm.expectRevert(invalidSignature(patient, address(0)));
        relayRevoke(stranger, patient, grantee, T0, deadline, new bytes(65));
        // the genuine stale one is refused as not newer
        bytes memory genuine = signRevoke(patientKey, patient, grantee, T0, deadline);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, T0, deadline, genuine);
    }

    function test_revokeBySig_relayedFirstRefusesOlderGrantRelayedAfter() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // signed at T0
        bytes memory grantSig = signGrant(patientKey, g);
        vm.warp(T0 + 10 minutes);
        revokeBySigNow(patientKey, grantee); // signed at T0 + 10 minutes
        vm.warp(T0 + 20 minutes);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 10 minutes + MAX_SKEW, T0));
        relayGrant(nodeB, g, grantSig);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "never granted");
    }

    function test_revokeBySig_relayedAfterGrantEndsIt() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // signed at T0
        bytes memory grantSig = signGrant(patientKey, g);
        vm.warp(T0 + 10 minutes);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, block.timestamp, deadline);
        uint256 issuedAt = block.timestamp;
        vm.warp(T0 + 20 minutes);
        relayGrant(nodeB, g, grantSig);
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "granted");
        vm.warp(T0 + 30 minutes);
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, revokeSig);
        assertNoGrant(patient, grantee, 1);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "ended");
    }

    /// @dev The v1 hole: a hospital holding an unrelayed grant saw the patient's signed revoke (bound to the pair's
    /// counter) in the mempool, relayed the grant first, and the revoke then failed as stale, leaving the grant.
    function test_revokeBySig_frontRunningHospitalCannotKeepAnUnrelayedGrant() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory grantSig = signGrant(patientKey, g); // handed to hospital B, which holds it back
        vm.warp(T0 + 40 minutes);
        uint256 issuedAt = block.timestamp;
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, issuedAt, deadline);
        // hospital B front-runs the revoke with the grant, in the same block
        relayGrant(nodeB, g, grantSig);
        relayRevoke(stranger, patient, grantee, issuedAt, deadline, revokeSig);
        assertNoGrant(patient, grantee, 1);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "hospital B lost it");
        assertFalse(registry.isAuthorized(patient, drB, 0), "its practitioner too");
        // and cannot bring it back
        vm.expectRevert(staleCounter(patient, grantee, 1, 0));
        relayGrant(nodeB, g, grantSig);
    }

    function test_revokeBySig_grantSignedWithinTheSkewAfterTheRevokeIsRefused() public {
        uint256 grantee = practitionerGrantee(drB);
        vm.warp(T0 + 1 hours);
        revokeBySigNow(patientKey, grantee);
        vm.warp(T0 + 1 hours + MAX_SKEW);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory sig = signGrant(patientKey, g);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 1 hours + MAX_SKEW, T0 + 1 hours + MAX_SKEW));
        relayGrant(nodeB, g, sig);
        assertFalse(registry.isAuthorized(patient, drB, 0), "not granted");
    }

    function test_revokeBySig_grantSignedMoreThanTheSkewAfterTheRevokeRelays() public {
        uint256 grantee = practitionerGrantee(drB);
        vm.warp(T0 + 1 hours);
        revokeBySigNow(patientKey, grantee);
        vm.warp(T0 + 1 hours + MAX_SKEW + 1);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        relayGrant(nodeB, g, signGrant(patientKey, g));
        assertTrue(registry.isAuthorized(patient, drB, 0), "granted after what the revoke covers");
    }

    function test_revokeBySig_relayedLateLeavesAGrantSignedMoreThanTheSkewAfterIt() public {
        uint256 grantee = practitionerGrantee(drB);
        uint256 deadline = T0 + 1 days;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, T0, deadline); // signed at T0, held back
        vm.warp(T0 + 1 hours);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES); // signed an hour later
        relayGrant(nodeB, g, signGrant(patientKey, g));
        vm.warp(T0 + 2 hours);
        relayRevoke(stranger, patient, grantee, T0, deadline, revokeSig);
        assertTrue(registry.isAuthorized(patient, drB, 0), "the newer grant stands");
        assertEq(revokedBeforeOf(patient, grantee), T0 + MAX_SKEW, "revokedBefore");
    }

    /// @dev The other side of covering the skew: a signed revoke held back and relayed later also ends a grant the
    /// patient made (even directly) within the skew after signing it.
    function test_revokeBySig_relayedLateEndsADirectGrantMadeWithinTheSkewAfterItWasSigned() public {
        uint256 grantee = practitionerGrantee(drB);
        uint256 deadline = T0 + 1 days;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, T0, deadline); // held back
        vm.warp(T0 + MAX_SKEW);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.warp(T0 + 2 hours);
        relayRevoke(stranger, patient, grantee, T0, deadline, revokeSig);
        assertNoGrant(patient, grantee, 1);
        assertFalse(registry.isAuthorized(patient, drB, 0), "ended by the late revoke");
    }

    function test_revokeBySig_olderRevokeRelayedAfterANewerOneIsRefused() public {
        uint256 grantee = practitionerGrantee(drA);
        bytes memory olderSig = signRevoke(patientKey, patient, grantee, T0, T0 + 1 days);
        vm.warp(T0 + 1 hours);
        revokeBySigNow(patientKey, grantee);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 1 hours + MAX_SKEW, T0 + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, T0, T0 + 1 days, olderSig);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 hours + MAX_SKEW, "latest revoke kept");
    }

    function test_revokeBySig_notCoveringMoreThanADirectRevokeOrCancelIsRefused() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = T0 + 1 days;
        // issued in the same second as a direct revoke
        bytes memory sameSecond = signRevoke(patientKey, patient, grantee, T0 + 1 hours, deadline);
        vm.warp(T0 + 1 hours);
        directRevoke(patient, grantee);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 1 hours + MAX_SKEW, T0 + 1 hours + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, T0 + 1 hours, deadline, sameSecond);

        // issued before a direct cancel
        bytes memory beforeCancel = signRevoke(patientKey, patient, grantee, T0 + 2 hours, deadline);
        vm.warp(T0 + 3 hours);
        directCancel(patient, grantee);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 3 hours + MAX_SKEW, T0 + 2 hours + MAX_SKEW));
        relayRevoke(stranger, patient, grantee, T0 + 2 hours, deadline, beforeCancel);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 3 hours + MAX_SKEW, "the cancel's");

        // one second newer relays
        bytes memory newer = signRevoke(patientKey, patient, grantee, T0 + 3 hours + 1, deadline);
        relayRevoke(stranger, patient, grantee, T0 + 3 hours + 1, deadline, newer);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 3 hours + 1 + MAX_SKEW, "newer revoke");
    }

    function test_revokeBySig_coversAGrantSignedInTheSameSecondOrDatedAheadWithinTheSkew() public {
        uint256 grantee = practitionerGrantee(drA);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        relayGrant(nodeA, g, signGrant(patientKey, g));
        revokeBySigNow(patientKey, grantee); // issuedAt == the grant's issuedAt
        assertNoGrant(patient, grantee, 1);

        vm.warp(T0 + 1 hours);
        g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp + MAX_SKEW;
        relayGrant(nodeA, g, signGrant(patientKey, g));
        revokeBySigNow(patientKey, grantee); // covers exactly the grant's issuedAt
        assertNoGrant(patient, grantee, 2);
    }

    function test_revokeBySig_refusesDeadlinePastTheCapAndIssuedAtBeyondTheSkew() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(60));
        uint256 deadline = T0 + 30 days + 1;
        bytes memory sig = signRevoke(patientKey, patient, grantee, T0, deadline);
        vm.expectRevert(lifetimeError(T0, deadline));
        relayRevoke(stranger, patient, grantee, T0, deadline, sig);

        uint256 ahead = T0 + 5 minutes + 1;
        sig = signRevoke(patientKey, patient, grantee, ahead, ahead + 1 hours);
        vm.expectRevert(lifetimeError(ahead, ahead + 1 hours));
        relayRevoke(stranger, patient, grantee, ahead, ahead + 1 hours, sig);
        assertTrue(registry.isAuthorized(patient, drA, 0), "grant intact");
    }

    function test_revokeBySig_rejectsGrantSignatureSubmittedAsRevoke() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory grantSig = signGrant(patientKey, g);
        address recovered = recoverOf(revokeDigestOf(patient, grantee, g.issuedAt, g.deadline), grantSig);
        assertTrue(recovered != patient, "different message");
        vm.expectRevert(invalidSignature(patient, recovered));
        relayRevoke(stranger, patient, grantee, g.issuedAt, g.deadline, grantSig);
        assertTrue(registry.isAuthorized(patient, drA, 0), "grant intact");
    }

    function test_revokeBySig_rejectsRevokeSignatureSubmittedAsGrant() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, block.timestamp, deadline);
        GrantMsg memory g = grantMsg(patient, grantee, 1);
        g.deadline = deadline;
        vm.expectRevert(invalidSignature(patient, recoverOf(grantDigestOf(g), revokeSig)));
        relayGrant(nodeA, g, revokeSig);
    }

    function test_revokeAndCancelSignatures_areNotInterchangeable() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, T0, deadline);
        bytes memory cancelSig = signCancel(patientKey, patient, grantee, T0, deadline);
        address asCancel = recoverOf(cancelDigestOf(patient, grantee, T0, deadline), revokeSig);
        address asRevoke = recoverOf(revokeDigestOf(patient, grantee, T0, deadline), cancelSig);
        vm.expectRevert(invalidSignature(patient, asCancel));
        relayCancel(stranger, patient, grantee, T0, deadline, revokeSig);
        vm.expectRevert(invalidSignature(patient, asRevoke));
        relayRevoke(stranger, patient, grantee, T0, deadline, cancelSig);
        assertGrant(patient, grantee, 1, 0, inDays(30), 1);
    }

    function test_revokeBySig_revertsAfterDeadline() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patientKey, patient, grantee, T0, deadline);
        vm.warp(deadline + 10);
        vm.expectRevert(expiredError(deadline, deadline + 10));
        relayRevoke(stranger, patient, grantee, T0, deadline, sig);
    }

    function test_revokeBySig_rejectsWrongSigner() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signRevoke(patient2Key, patient, grantee, T0, deadline);
        vm.expectRevert(invalidSignature(patient, patient2));
        relayRevoke(stranger, patient, grantee, T0, deadline, sig);
        assertTrue(registry.isAuthorized(patient, drA, 0), "grant intact");
    }

    function test_revokeBySig_rejectsMalformedSignature() public {
        uint256 grantee = practitionerGrantee(drA);
        directGrant(patient, grantee, 1, inDays(30));
        vm.expectRevert(invalidSignature(patient, address(0)));
        relayRevoke(stranger, patient, grantee, T0, block.timestamp, new bytes(1));
    }

    // ---------------------------------------------------------------- cancelBySig

    function test_cancelBySig_relayedByAnyoneEndsGrantBumpsCounterCoversTheSkewPastItsIssuedAtAndEmits() public {
        uint256 grantee = hospitalGrantee(hospitalA);
        directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        vm.warp(T0 + 1 hours);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signCancel(patientKey, patient, grantee, block.timestamp, deadline);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentCancelled(patient, grantee, uint40(T0 + 1 hours + MAX_SKEW));
        relayCancel(stranger, patient, grantee, T0 + 1 hours, deadline, sig);
        assertNoGrant(patient, grantee, 2);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 hours + MAX_SKEW, "revokedBefore");
    }

    function test_cancelBySig_worksWithNoGrantEverRelayed() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory grantSig = signGrant(patientKey, g);
        vm.warp(T0 + 1 hours);
        cancelBySigNow(patientKey, grantee);
        assertNoGrant(patient, grantee, 1);
        vm.expectRevert(staleCounter(patient, grantee, 1, 0));
        relayGrant(nodeB, g, grantSig);
    }

    function test_cancelBySig_replayedIsRefused() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = signCancel(patientKey, patient, grantee, T0, deadline);
        relayCancel(stranger, patient, grantee, T0, deadline, sig);
        vm.warp(T0 + 1 hours);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayCancel(nodeA, patient, grantee, T0, deadline, sig);
        assertEq(registry.getGrant(patient, grantee).counter, 1, "bumped once");
    }

    function test_cancelBySig_checksTheSignatureBeforeWhetherItIsNewer() public {
        uint256 grantee = practitionerGrantee(drA);
        cancelBySigNow(patientKey, grantee);
        uint256 deadline = T0 + 1 hours;
        bytes memory forged = signCancel(patient2Key, patient, grantee, T0, deadline); // stale and forged
        vm.expectRevert(invalidSignature(patient, patient2));
        relayCancel(stranger, patient, grantee, T0, deadline, forged);
        bytes memory genuine = signCancel(patientKey, patient, grantee, T0, deadline);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + MAX_SKEW, T0 + MAX_SKEW));
        relayCancel(stranger, patient, grantee, T0, deadline, genuine);
        assertEq(registry.getGrant(patient, grantee).counter, 1, "bumped once");
    }

    function test_cancelBySig_notCoveringMoreThanTheLatestRevokeIsRefused() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = T0 + 1 days;
        bytes memory olderCancel = signCancel(patientKey, patient, grantee, T0, deadline);
        vm.warp(T0 + 1 hours);
        revokeBySigNow(patientKey, grantee);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 1 hours + MAX_SKEW, T0 + MAX_SKEW));
        relayCancel(stranger, patient, grantee, T0, deadline, olderCancel);

        // nor one issued in the same second as a direct revoke
        bytes memory sameSecond = signCancel(patientKey, patient, grantee, T0 + 2 hours, deadline);
        vm.warp(T0 + 2 hours);
        directRevoke(patient, grantee);
        vm.expectRevert(revokedBefore(patient, grantee, T0 + 2 hours + MAX_SKEW, T0 + 2 hours + MAX_SKEW));
        relayCancel(stranger, patient, grantee, T0 + 2 hours, deadline, sameSecond);
        assertEq(registry.getGrant(patient, grantee).counter, 0, "never bumped");
    }

    function test_cancelBySig_newerCancelASecondAfterAnOlderOneSucceeds() public {
        uint256 grantee = practitionerGrantee(drA);
        cancelBySigNow(patientKey, grantee);
        vm.warp(T0 + 1);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentCancelled(patient, grantee, uint40(T0 + 1 + MAX_SKEW));
        cancelBySigNow(patientKey, grantee);
        assertNoGrant(patient, grantee, 2);
        assertEq(revokedBeforeOf(patient, grantee), T0 + 1 + MAX_SKEW, "revokedBefore");
    }

    function test_cancelBySig_frontRunningHospitalCannotKeepAnUnrelayedGrant() public {
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        bytes memory grantSig = signGrant(patientKey, g);
        vm.warp(T0 + 40 minutes);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory cancelSig = signCancel(patientKey, patient, grantee, block.timestamp, deadline);
        relayGrant(nodeB, g, grantSig);
        relayCancel(stranger, patient, grantee, T0 + 40 minutes, deadline, cancelSig);
        assertNoGrant(patient, grantee, 2);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "hospital B lost it");
    }

    function test_cancelBySig_refusesDeadlinePastTheCapAndIssuedAtBeyondTheSkew() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = T0 + 30 days + 1;
        bytes memory sig = signCancel(patientKey, patient, grantee, T0, deadline);
        vm.expectRevert(lifetimeError(T0, deadline));
        relayCancel(stranger, patient, grantee, T0, deadline, sig);

        uint256 ahead = T0 + 5 minutes + 1;
        sig = signCancel(patientKey, patient, grantee, ahead, ahead + 1 hours);
        vm.expectRevert(lifetimeError(ahead, ahead + 1 hours));
        relayCancel(stranger, patient, grantee, ahead, ahead + 1 hours, sig);
        assertEq(registry.getGrant(patient, grantee).counter, 0, "not cancelled");
    }

    function test_cancelBySig_revertsAfterDeadlineAndForWrongSigner() public {
        uint256 grantee = practitionerGrantee(drA);
        uint256 deadline = T0 + 1 hours;
        bytes memory wrong = signCancel(patient2Key, patient, grantee, T0, deadline);
        vm.expectRevert(invalidSignature(patient, patient2));
        relayCancel(stranger, patient, grantee, T0, deadline, wrong);

        bytes memory sig = signCancel(patientKey, patient, grantee, T0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(expiredError(deadline, deadline + 1));
        relayCancel(stranger, patient, grantee, T0, deadline, sig);
        assertEq(registry.getGrant(patient, grantee).counter, 0, "not cancelled");
    }

    // ---------------------------------------------------------------- emergencyAccess

    function test_emergencyAccess_emitsForActivePractitionerWithCount() public {
        bytes32 reason = keccak256(abi.encode(bytes32("random salt"), "unconscious patient, ED bay 3"));
        vm.expectEmit(address(registry));
        emit IConsentRegistry.EmergencyAccessDeclared(patient, drB, hospitalB, reason, 1);
        vm.prank(drB);
        registry.emergencyAccess(patient, reason);
        (uint40 startedAt, uint16 count) = registry.emergencyWindowOf(drB);
        assertEq(startedAt, T0, "window started");
        assertEq(count, 1, "count");
    }

    function test_emergencyAccess_eleventhInAWindowRevertsWithTheLimit() public {
        for (uint16 i = 1; i <= 10; i++) {
            vm.warp(T0 + uint256(i) * 1 hours);
            vm.expectEmit(address(registry));
            emit IConsentRegistry.EmergencyAccessDeclared(patient, drA, hospitalA, bytes32(uint256(i)), i);
            vm.prank(drA);
            registry.emergencyAccess(patient, bytes32(uint256(i)));
        }
        (uint40 startedAt, uint16 count) = registry.emergencyWindowOf(drA);
        assertEq(startedAt, T0 + 1 hours, "window started at the first declaration");
        assertEq(count, 10, "count");
        vm.warp(T0 + 1 hours + 1 days - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryEmergencyLimit.selector, drA, uint40(T0 + 1 hours + 1 days)
            )
        );
        vm.prank(drA);
        registry.emergencyAccess(patient2, bytes32(uint256(11)));
        (, count) = registry.emergencyWindowOf(drA);
        assertEq(count, 10, "refused declaration not counted");
    }

    function test_emergencyAccess_windowRestartsADayAfterItStarted() public {
        for (uint256 i = 0; i < 10; i++) {
            vm.prank(drA);
            registry.emergencyAccess(patient, bytes32(i));
        }
        vm.warp(T0 + 1 days);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.EmergencyAccessDeclared(patient, drA, hospitalA, bytes32(uint256(10)), 1);
        vm.prank(drA);
        registry.emergencyAccess(patient, bytes32(uint256(10)));
        (uint40 startedAt, uint16 count) = registry.emergencyWindowOf(drA);
        assertEq(startedAt, T0 + 1 days, "new window");
        assertEq(count, 1, "count restarted");
        for (uint256 i = 0; i < 9; i++) {
            vm.prank(drA);
            registry.emergencyAccess(patient, bytes32(i));
        }
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryEmergencyLimit.selector, drA, uint40(T0 + 2 days))
        );
        vm.prank(drA);
        registry.emergencyAccess(patient, bytes32(0));
    }

    function test_emergencyAccess_limitIsPerPractitioner() public {
        for (uint256 i = 0; i < 10; i++) {
            vm.prank(drA);
            registry.emergencyAccess(patient, bytes32(i));
        }
        vm.prank(drA2);
        registry.emergencyAccess(patient, bytes32(0));
        vm.prank(drB);
        registry.emergencyAccess(patient, bytes32(0));
        (, uint16 countA2) = registry.emergencyWindowOf(drA2);
        assertEq(countA2, 1, "drA2 has its own window");
        (uint40 startedAt, uint16 countNone) = registry.emergencyWindowOf(stranger);
        assertEq(startedAt, 0, "never declared");
        assertEq(countNone, 0, "never declared");
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

    // ---------------------------------------------------------------- linkBySig

    bytes32 internal constant PATIENT_ID_HASH = keccak256("hospital salt | Patient/p-0042");

    function test_linkBySig_firstLinkStoresTheAddressAndEmits() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory sig = signLink(patientKey, l);
        vm.warp(T0 + 30);
        vm.expectEmit(address(registry));
        emit IConsentRegistry.PatientLinked(hospitalA, PATIENT_ID_HASH, patient, address(0), 1);
        relayLink(nodeA, l, sig, "");
        IConsentRegistry.PatientLink memory link = registry.linkOf(hospitalA, PATIENT_ID_HASH);
        assertEq(link.patient, patient, "linked address");
        assertEq(link.counter, 1, "counter");
        assertEq(link.linkedAt, T0 + 30, "linkedAt is when it was relayed");
    }

    function test_linkBySig_firstLinkIgnoresPreviousSignature() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        relayLink(nodeA, l, signLink(patientKey, l), hex"deadbeef");
        assertEq(registry.linkOf(hospitalA, PATIENT_ID_HASH).patient, patient, "linked");
    }

    function test_linkBySig_relinkWithThePreviousAddressesSignatureMovesTheLink() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        relayLink(nodeA, l, signLink(patientKey, l), "");
        vm.warp(T0 + 1 days);
        LinkMsg memory relink = linkMsg(patient2, hospitalA, PATIENT_ID_HASH);
        assertEq(relink.counter, 1, "next counter");
        vm.expectEmit(address(registry));
        emit IConsentRegistry.PatientLinked(hospitalA, PATIENT_ID_HASH, patient2, patient, 2);
        relayLink(nodeA, relink, signLink(patient2Key, relink), signLink(patientKey, relink));
        IConsentRegistry.PatientLink memory link = registry.linkOf(hospitalA, PATIENT_ID_HASH);
        assertEq(link.patient, patient2, "moved");
        assertEq(link.counter, 2, "counter");
        assertEq(link.linkedAt, T0 + 1 days, "linkedAt");
    }

    function test_linkBySig_relinkRefusedWithoutThePreviousAddressesSignature() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        relayLink(nodeA, l, signLink(patientKey, l), "");
        LinkMsg memory relink = linkMsg(patient2, hospitalA, PATIENT_ID_HASH);
        bytes memory newSig = signLink(patient2Key, relink);
        vm.expectRevert(invalidSignature(patient, address(0)));
        relayLink(nodeA, relink, newSig, "");
        assertEq(registry.linkOf(hospitalA, PATIENT_ID_HASH).patient, patient, "unchanged");
    }

    function test_linkBySig_relinkRefusedWithAWrongPreviousSignature() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory firstSig = signLink(patientKey, l);
        relayLink(nodeA, l, firstSig, "");
        LinkMsg memory relink = linkMsg(patient2, hospitalA, PATIENT_ID_HASH);
        bytes memory newSig = signLink(patient2Key, relink);
        bytes32 digest = linkDigestOf(relink);

        // the new address signing for the old one
        vm.expectRevert(invalidSignature(patient, patient2));
        relayLink(nodeA, relink, newSig, newSig);

        // the old address's signature of the first link (another message)
        vm.expectRevert(invalidSignature(patient, recoverOf(digest, firstSig)));
        relayLink(nodeA, relink, newSig, firstSig);

        // the old address's signature for a third address
        LinkMsg memory other = linkMsg(stranger, hospitalA, PATIENT_ID_HASH);
        bytes memory forOther = signLink(patientKey, other);
        vm.expectRevert(invalidSignature(patient, recoverOf(digest, forOther)));
        relayLink(nodeA, relink, newSig, forOther);
        assertEq(registry.linkOf(hospitalA, PATIENT_ID_HASH).patient, patient, "unchanged");
    }

    function test_linkBySig_staleOrFutureCounterRefused() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory sig = signLink(patientKey, l);
        relayLink(nodeA, l, sig, "");
        // the same link relayed again
        vm.expectRevert(staleLink(hospitalA, PATIENT_ID_HASH, 1, 0));
        relayLink(nodeA, l, sig, sig);

        LinkMsg memory future = linkMsg(patient2, hospitalA, keccak256("another Patient"));
        future.counter = 1;
        bytes memory futureSig = signLink(patient2Key, future);
        vm.expectRevert(staleLink(hospitalA, future.patientIdHash, 0, 1));
        relayLink(nodeA, future, futureSig, "");
    }

    function test_linkBySig_onlyAnActiveHospitalsNodeLinks() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory sig = signLink(patientKey, l);
        address[6] memory callers = [stranger, patient, drA, adminA, admin, address(registry)];
        for (uint256 i = 0; i < callers.length; i++) {
            vm.expectRevert(unauthorized(callers[i]));
            relayLink(callers[i], l, sig, "");
        }
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        vm.expectRevert(unauthorized(nodeA));
        relayLink(nodeA, l, sig, "");
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Active);
        relayLink(nodeA, l, sig, "");
        assertEq(registry.linkOf(hospitalA, PATIENT_ID_HASH).patient, patient, "linked once reactivated");
    }

    function test_linkBySig_rotatedNodeLinksForItsHospitalAndTheOldNodeCannot() public {
        address newNodeA = vm.addr(0xA0A0);
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, newNodeA);
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory sig = signLink(patientKey, l);
        vm.expectRevert(unauthorized(nodeA));
        relayLink(nodeA, l, sig, "");
        relayLink(newNodeA, l, sig, "");
        assertEq(registry.linkOf(hospitalA, PATIENT_ID_HASH).patient, patient, "linked for hospital A");
    }

    function test_linkBySig_oneHospitalsLinkDoesNotTouchAnothers() public {
        LinkMsg memory atA = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory sigA = signLink(patientKey, atA);
        relayLink(nodeA, atA, sigA, "");
        IConsentRegistry.PatientLink memory atB = registry.linkOf(hospitalB, PATIENT_ID_HASH);
        assertEq(atB.patient, address(0), "nothing at B");
        assertEq(atB.counter, 0, "no counter at B");

        // hospital B cannot use the patient's signature for hospital A: the hospital id comes from the caller
        LinkMsg memory asB = LinkMsg(atA.patient, hospitalB, atA.patientIdHash, 0, atA.issuedAt, atA.deadline);
        vm.expectRevert(invalidSignature(patient, recoverOf(linkDigestOf(asB), sigA)));
        relayLink(nodeB, atA, sigA, "");

        // the same id hash at B is B's own Patient: a first link, with no signature of A's linked address
        LinkMsg memory l = linkMsg(patient2, hospitalB, PATIENT_ID_HASH);
        relayLink(nodeB, l, signLink(patient2Key, l), "");
        assertEq(registry.linkOf(hospitalB, PATIENT_ID_HASH).patient, patient2, "B's link");
        IConsentRegistry.PatientLink memory stillA = registry.linkOf(hospitalA, PATIENT_ID_HASH);
        assertEq(stillA.patient, patient, "A's link unchanged");
        assertEq(stillA.counter, 1, "A's counter unchanged");
    }

    function test_linkBySig_rejectsWrongSignerAndZeroAddress() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        vm.expectRevert(invalidSignature(patient, patient2));
        relayLink(nodeA, l, signLink(patient2Key, l), "");

        l.patient = address(0);
        bytes memory sig = signLink(patientKey, l);
        vm.expectRevert(invalidSignature(address(0), recoverOf(linkDigestOf(l), sig)));
        relayLink(nodeA, l, sig, "");
        assertEq(registry.linkOf(hospitalA, PATIENT_ID_HASH).counter, 0, "nothing linked");
    }

    function test_linkBySig_enforcesDeadlineCapAndSkew() public {
        LinkMsg memory l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        l.deadline = l.issuedAt + 30 days + 1;
        vm.expectRevert(lifetimeError(l.issuedAt, l.deadline));
        relayLink(nodeA, l, signLink(patientKey, l), "");

        l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        l.issuedAt = block.timestamp + 5 minutes + 1;
        vm.expectRevert(lifetimeError(l.issuedAt, l.deadline));
        relayLink(nodeA, l, signLink(patientKey, l), "");

        l = linkMsg(patient, hospitalA, PATIENT_ID_HASH);
        bytes memory sig = signLink(patientKey, l);
        vm.warp(l.deadline + 1);
        vm.expectRevert(expiredError(l.deadline, l.deadline + 1));
        relayLink(nodeA, l, sig, "");
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

    function test_isAuthorized_falseAfterRevokeAndAfterCancel() public {
        directGrant(patient, practitionerGrantee(drA), ALL_SCOPES, inDays(30));
        directGrant(patient, practitionerGrantee(drA2), ALL_SCOPES, inDays(30));
        vm.warp(T0 + 1);
        directRevoke(patient, practitionerGrantee(drA));
        directCancel(patient, practitionerGrantee(drA2));
        for (uint8 c = 0; c <= 12; c++) {
            assertFalse(registry.isAuthorized(patient, drA, c), "revoked");
            assertFalse(registry.isAuthorized(patient, drA2, c), "cancelled");
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
    }

    function test_isAuthorized_directGrantStopsWhenThePractitionerChangesRole() public {
        directGrant(patient, practitionerGrantee(drA2), ALL_SCOPES, inDays(30));
        assertTrue(registry.isAuthorized(patient, drA2, 0), "practitioner");
        vm.prank(nodeA);
        directory.addStaff(drA2, IHospitalDirectory.StaffRole.HospitalAdmin);
        assertFalse(registry.isAuthorized(patient, drA2, 0), "now a hospital admin");
    }

    function test_isAuthorized_hospitalGrantExcludesOtherHospitalsPractitioners() public {
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        assertFalse(registry.isAuthorized(patient, drB, 0), "drB");
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "hospital B");
    }

    function test_isAuthorized_falseOnceTheGranteeIsNoLongerStaff() public {
        directGrant(patient, practitionerGrantee(drA2), ALL_SCOPES, inDays(30));
        vm.prank(nodeA);
        directory.removeStaff(drA2);
        assertFalse(registry.isAuthorized(patient, drA2, 0), "removed practitioner");
        assertEq(registry.getGrant(patient, practitionerGrantee(drA2)).scopes, ALL_SCOPES, "grant still stored");
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
        assertFalse(registry.isHospitalAuthorized(patient, 7, 0), "unknown hospital");
        directGrant(patient, hospitalGrantee(hospitalA), ALL_SCOPES, inDays(30));
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalA, 0), "suspended hospital");
        assertFalse(registry.isAuthorized(patient, drA, 0), "suspended hospital's practitioner");
    }

    function test_getGrantAndLinkOf_returnZeroForUnknownPairAndPatient() public view {
        IConsentRegistry.Grant memory none = registry.getGrant(patient, practitionerGrantee(drA));
        assertEq(none.scopes, 0, "scopes");
        assertEq(none.counter, 0, "counter");
        assertEq(none.grantedAt, 0, "grantedAt");
        assertEq(none.revokedBefore, 0, "revokedBefore");
        IConsentRegistry.PatientLink memory link = registry.linkOf(hospitalA, PATIENT_ID_HASH);
        assertEq(link.patient, address(0), "patient");
        assertEq(link.counter, 0, "counter");
        assertEq(link.linkedAt, 0, "linkedAt");
    }
}

/// @notice Property tests over timing, signers and grantees.
contract ConsentRegistryFuzzTest is ConsentRegistryTestBase {
    /// @dev Starts well after T0 so that signatures may be up to 30 days old.
    uint256 internal constant START = T0 + 60 days;

    function knownGrantee(uint256 seed) internal view returns (uint256) {
        uint256[5] memory known = [
            practitionerGrantee(drA),
            practitionerGrantee(drA2),
            practitionerGrantee(drB),
            hospitalGrantee(hospitalA),
            hospitalGrantee(hospitalB)
        ];
        return known[seed % known.length];
    }

    /// @dev A grant message of `key`'s address, issued `age` seconds ago (or up to the skew ahead), valid for
    /// `lifetime` after it but not yet expired.
    function fuzzGrant(uint256 key, uint256 granteeSeed, uint64 scopes, uint8 purpose, uint256 age, uint256 lifetime)
        internal
        view
        returns (GrantMsg memory g)
    {
        address signer = vm.addr(key);
        uint256 grantee = knownGrantee(granteeSeed);
        uint256 issuedAt = block.timestamp + MAX_SKEW - bound(age, 0, MAX_LIFETIME + MAX_SKEW);
        uint256 earliestDeadline = issuedAt > block.timestamp ? issuedAt : block.timestamp;
        g = GrantMsg({
            patient: signer,
            grantee: grantee,
            scopes: uint64(bound(scopes, 1, ALL_SCOPES)),
            purpose: purpose,
            expiry: uint40(block.timestamp + 1 + (lifetime % 365 days)),
            counter: registry.getGrant(signer, grantee).counter,
            issuedAt: issuedAt,
            deadline: bound(lifetime, earliestDeadline, issuedAt + MAX_LIFETIME)
        });
    }

    function testFuzz_grantBySig_validSignatureWithinItsLifetimeWorksExactlyOnce(
        uint256 key,
        uint256 granteeSeed,
        uint64 scopes,
        uint8 purpose,
        uint256 age,
        uint256 lifetime
    ) public {
        vm.warp(START);
        key = bound(key, 1, SECP256K1_N - 1);
        GrantMsg memory g = fuzzGrant(key, granteeSeed, scopes, purpose, age, lifetime);
        bytes memory sig = signGrant(key, g);
        assertEq(
            registry.grantDigest(
                g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.issuedAt, g.deadline
            ),
            grantDigestOf(g),
            "digest"
        );

        vm.expectEmit(address(registry));
        emit IConsentRegistry.ConsentGranted(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, 1, uint40(g.issuedAt));
        relayGrant(nodeA, g, sig);
        assertGrant(g.patient, g.grantee, g.scopes, g.purpose, g.expiry, 1);
        assertEq(grantedAtOf(g.patient, g.grantee), g.issuedAt, "grantedAt");

        vm.expectRevert(staleCounter(g.patient, g.grantee, 1, 0));
        relayGrant(nodeB, g, sig);
    }

    function testFuzz_grantBySig_anyOtherSignerFails(
        uint256 key,
        uint256 otherKey,
        uint256 granteeSeed,
        uint64 scopes,
        uint8 purpose,
        uint256 age
    ) public {
        vm.warp(START);
        key = bound(key, 1, SECP256K1_N - 1);
        otherKey = bound(otherKey, 1, SECP256K1_N - 1);
        vm.assume(key != otherKey);
        GrantMsg memory g = fuzzGrant(key, granteeSeed, scopes, purpose, age, 1 hours);
        bytes memory sig = signGrant(otherKey, g);
        vm.expectRevert(invalidSignature(g.patient, vm.addr(otherKey)));
        relayGrant(nodeA, g, sig);
        assertEq(registry.getGrant(g.patient, g.grantee).counter, 0, "nothing stored");
    }

    /// @dev Every kind of signed message is refused when its deadline is past the 30-day cap after its issuedAt, or
    /// its issuedAt is beyond the clock skew ahead, and accepted otherwise (while its deadline has not passed).
    function testFuzz_signatureLifetime_capAndSkewHoldForEveryMessage(uint256 kind, uint256 ahead, uint256 lifetime)
        public
    {
        vm.warp(START);
        kind = kind % 4;
        uint256 issuedAt = block.timestamp - 31 days + bound(ahead, 0, 31 days + 2 * MAX_SKEW);
        uint256 deadline = bound(lifetime, block.timestamp, block.timestamp + 62 days);
        bool refused = issuedAt > block.timestamp + MAX_SKEW || deadline > issuedAt + MAX_LIFETIME;
        uint256 grantee = hospitalGrantee(hospitalA);
        bytes memory refusal = refused ? lifetimeError(issuedAt, deadline) : bytes("");
        if (kind == 0) {
            GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
            (g.issuedAt, g.deadline) = (issuedAt, deadline);
            bytes memory sig = signGrant(patientKey, g);
            if (refused) vm.expectRevert(refusal);
            relayGrant(nodeA, g, sig);
            assertEq(registry.getGrant(patient, grantee).counter, refused ? 0 : 1, "grant");
        } else if (kind == 1) {
            bytes memory sig = signRevoke(patientKey, patient, grantee, issuedAt, deadline);
            if (refused) vm.expectRevert(refusal);
            relayRevoke(stranger, patient, grantee, issuedAt, deadline, sig);
            assertEq(revokedBeforeOf(patient, grantee), refused ? 0 : issuedAt + MAX_SKEW, "revoke");
        } else if (kind == 2) {
            bytes memory sig = signCancel(patientKey, patient, grantee, issuedAt, deadline);
            if (refused) vm.expectRevert(refusal);
            relayCancel(stranger, patient, grantee, issuedAt, deadline, sig);
            assertEq(registry.getGrant(patient, grantee).counter, refused ? 0 : 1, "cancel");
        } else {
            LinkMsg memory l = linkMsg(patient, hospitalA, keccak256("p"));
            (l.issuedAt, l.deadline) = (issuedAt, deadline);
            bytes memory sig = signLink(patientKey, l);
            if (refused) vm.expectRevert(refusal);
            relayLink(nodeA, l, sig, "");
            assertEq(registry.linkOf(hospitalA, keccak256("p")).counter, refused ? 0 : 1, "link");
        }
    }

    /// @dev A grant signature cancelled (directly or by a signed cancel relayed by anyone) never relays after the
    /// cancel, whenever it was signed, whenever the cancel comes and whenever the grant is tried again; and if a
    /// hospital relays it just before the cancel, the cancel still ends it.
    function testFuzz_cancel_cancelledGrantSignatureNeverRelays(
        uint256 age,
        uint256 lifetime,
        uint256 cancelDelay,
        uint256 cancelAge,
        uint256 retryDelay,
        uint8 mode
    ) public {
        vm.warp(START);
        bool bySig = mode & 1 == 1;
        bool frontRun = mode & 2 == 2;
        uint256 grantee = hospitalGrantee(hospitalB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp - bound(age, 0, 29 days);
        g.deadline = bound(lifetime, block.timestamp, g.issuedAt + MAX_LIFETIME);
        g.expiry = uint40(g.deadline + 1 days);
        bytes memory grantSig = signGrant(patientKey, g);

        // the cancel, signed at or after the grant, comes while the grant could still be relayed
        vm.warp(bound(cancelDelay, block.timestamp, g.deadline));
        uint256 cancelIssuedAt = bySig ? bound(cancelAge, g.issuedAt, block.timestamp) : block.timestamp;
        if (frontRun) relayGrant(nodeB, g, grantSig);
        if (bySig) {
            relayCancel(
                stranger,
                patient,
                grantee,
                cancelIssuedAt,
                block.timestamp,
                signCancel(patientKey, patient, grantee, cancelIssuedAt, block.timestamp)
            );
        } else {
            directCancel(patient, grantee);
        }
        uint32 counter = frontRun ? 2 : 1;
        assertNoGrant(patient, grantee, counter);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "not authorized after the cancel");

        vm.warp(bound(retryDelay, block.timestamp, g.deadline));
        vm.expectRevert(staleCounter(patient, grantee, counter, 0));
        relayGrant(nodeB, g, grantSig);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "never relays");

        // at the new counter, a grant signed within the skew after the cancel is refused, one signed after relays
        uint256 covers = cancelIssuedAt + MAX_SKEW;
        assertEq(revokedBeforeOf(patient, grantee), covers, "the cancel covers the skew past its time");
        GrantMsg memory later = grantMsg(patient, grantee, ALL_SCOPES);
        later.issuedAt = covers;
        later.deadline = block.timestamp;
        bytes memory withinSig = signGrant(patientKey, later);
        vm.expectRevert(revokedBefore(patient, grantee, covers, covers));
        relayGrant(nodeB, later, withinSig);
        if (block.timestamp <= cancelIssuedAt) vm.warp(cancelIssuedAt + 1);
        later.issuedAt = covers + 1;
        later.deadline = block.timestamp;
        relayGrant(nodeB, later, signGrant(patientKey, later));
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "a newer grant relays");
    }

    /// @dev A signed grant and a signed revoke (either possibly dated up to the skew ahead) end the same whichever is
    /// relayed first: the grant stands iff it was signed more than the skew after the revoke.
    function testFuzz_revokeAndGrant_sameOutcomeWhicheverIsRelayedFirst(
        uint256 grantAge,
        uint256 revokeAge,
        bool revokeFirst,
        uint256 gap
    ) public {
        vm.warp(START);
        uint256 grantee = practitionerGrantee(drB);
        GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
        g.issuedAt = block.timestamp + MAX_SKEW - bound(grantAge, 0, 2 days);
        g.deadline = block.timestamp + 1 days;
        bytes memory grantSig = signGrant(patientKey, g);
        uint256 revokeIssuedAt = block.timestamp + MAX_SKEW - bound(revokeAge, 0, 2 days);
        uint256 revokeDeadline = block.timestamp + 1 days;
        bytes memory revokeSig = signRevoke(patientKey, patient, grantee, revokeIssuedAt, revokeDeadline);
        uint256 covers = revokeIssuedAt + MAX_SKEW;
        bool grantSignedAfter = g.issuedAt > covers;

        if (revokeFirst) {
            relayRevoke(stranger, patient, grantee, revokeIssuedAt, revokeDeadline, revokeSig);
            vm.warp(block.timestamp + bound(gap, 0, 1 days));
            if (!grantSignedAfter) vm.expectRevert(revokedBefore(patient, grantee, covers, g.issuedAt));
            relayGrant(nodeB, g, grantSig);
        } else {
            relayGrant(nodeB, g, grantSig);
            vm.warp(block.timestamp + bound(gap, 0, 1 days));
            relayRevoke(stranger, patient, grantee, revokeIssuedAt, revokeDeadline, revokeSig);
        }
        assertTrue(registry.isAuthorized(patient, drB, 0) == grantSignedAfter, "stands iff signed after it covers");
        assertEq(revokedBeforeOf(patient, grantee), covers, "revokedBefore");
    }

    /// @dev A direct revoke or cancel ends whatever grant the pair has (signed long ago or up to the skew ahead, or
    /// made directly), whatever revoke came before it, and records `max(now + skew, grantedAt, revokedBefore)`; a
    /// signed revoke or cancel covering no more than that is refused after it.
    function testFuzz_revokeAndCancel_directEndsWhateverGrantThePairHas(
        uint256 grantAge,
        uint256 priorAge,
        uint256 delay,
        uint8 mode
    ) public {
        vm.warp(START);
        bool cancelling = mode & 1 == 1;
        bool signedGrant = mode & 2 == 2;
        bool priorRevoke = mode & 4 == 4;
        uint256 grantee = hospitalGrantee(hospitalB);
        uint256 prior;
        if (priorRevoke) {
            // an earlier signed revoke, possibly dated ahead, relayed before the grant
            uint256 priorIssuedAt = block.timestamp + MAX_SKEW - bound(priorAge, 0, 20 hours);
            bytes memory revokeSig = signRevoke(patientKey, patient, grantee, priorIssuedAt, priorIssuedAt + 1 days);
            relayRevoke(stranger, patient, grantee, priorIssuedAt, priorIssuedAt + 1 days, revokeSig);
            prior = priorIssuedAt + MAX_SKEW;
            assertEq(revokedBeforeOf(patient, grantee), prior, "the prior revoke covers the skew past its issuedAt");
        }
        uint256 grantedAt = block.timestamp;
        if (signedGrant) {
            uint256 earliest = block.timestamp - 29 days > prior ? block.timestamp - 29 days : prior + 1;
            // a grant signed after what the prior revoke covers: wait until it may be dated so
            if (earliest > block.timestamp + MAX_SKEW) vm.warp(earliest - MAX_SKEW);
            GrantMsg memory g = grantMsg(patient, grantee, ALL_SCOPES);
            g.issuedAt = bound(grantAge, earliest, block.timestamp + MAX_SKEW);
            g.deadline = block.timestamp;
            relayGrant(nodeB, g, signGrant(patientKey, g));
            grantedAt = g.issuedAt;
        } else {
            directGrant(patient, grantee, ALL_SCOPES, inDays(30));
        }
        assertTrue(registry.isHospitalAuthorized(patient, hospitalB, 0), "granted");

        vm.warp(block.timestamp + bound(delay, 0, MAX_SKEW));
        uint256 covers = block.timestamp + MAX_SKEW;
        if (grantedAt > covers) covers = grantedAt;
        if (prior > covers) covers = prior;
        if (cancelling) {
            directCancel(patient, grantee);
        } else {
            directRevoke(patient, grantee);
        }
        assertNoGrant(patient, grantee, cancelling ? 2 : 1);
        assertFalse(registry.isHospitalAuthorized(patient, hospitalB, 0), "ended");
        assertEq(revokedBeforeOf(patient, grantee), covers, "revokedBefore");

        uint256 notNewerAt = covers - MAX_SKEW; // a signed revoke covering exactly as much
        bytes memory notNewer = signRevoke(patientKey, patient, grantee, notNewerAt, notNewerAt + 1 hours);
        vm.expectRevert(revokedBefore(patient, grantee, covers, covers));
        relayRevoke(stranger, patient, grantee, notNewerAt, notNewerAt + 1 hours, notNewer);
    }

    function testFuzz_grant_rejectsInvalidGrantee(uint256 grantee) public {
        bool valid = (grantee != 0 && grantee < HOSPITAL_FLAG)
            || (grantee > HOSPITAL_FLAG && grantee <= (HOSPITAL_FLAG | type(uint32).max));
        vm.assume(!valid);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidGrantee.selector, grantee));
        vm.prank(patient);
        registry.grant(grantee, 1, 0, inDays(1));
    }

    function testFuzz_grant_rejectsAnyAddressThatIsNotAPractitioner(address account) public {
        vm.assume(account != address(0) && account != drA && account != drA2 && account != drB);
        vm.expectRevert(unknownGrantee(practitionerGrantee(account)));
        vm.prank(patient);
        registry.grant(practitionerGrantee(account), 1, 0, inDays(1));
    }

    function testFuzz_grant_rejectsAnyUnregisteredHospital(uint32 hospitalId) public {
        hospitalId = uint32(bound(hospitalId, 3, type(uint32).max));
        vm.expectRevert(unknownGrantee(hospitalGrantee(hospitalId)));
        vm.prank(patient);
        registry.grant(hospitalGrantee(hospitalId), 1, 0, inDays(1));
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

    /// @dev Whatever the spacing of declarations, no window holds more than ten, and a refused one changes nothing.
    function testFuzz_emergencyAccess_neverMoreThanTenPerWindow(uint256[24] memory gaps) public {
        uint256 windowStart;
        uint256 inWindow;
        for (uint256 i = 0; i < gaps.length; i++) {
            vm.warp(block.timestamp + bound(gaps[i], 0, 6 hours));
            if (i == 0 || block.timestamp >= windowStart + WINDOW) {
                windowStart = block.timestamp;
                inWindow = 0;
            }
            if (inWindow == MAX_EMERGENCIES) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IConsentRegistry.ConsentRegistryEmergencyLimit.selector, drA, uint40(windowStart + WINDOW)
                    )
                );
            } else {
                inWindow += 1;
            }
            vm.prank(drA);
            registry.emergencyAccess(patient, bytes32(i));
            (uint40 startedAt, uint16 count) = registry.emergencyWindowOf(drA);
            assertEq(startedAt, windowStart, "window start");
            assertEq(count, inWindow, "count");
        }
    }
}
