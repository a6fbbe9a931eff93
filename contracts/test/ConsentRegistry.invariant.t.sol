// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IConsentRegistry} from "../src/IConsentRegistry.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice Randomly grants, revokes and cancels (directly and by signature), signs grants, revokes and cancels that
/// are relayed later, in any order and any number of times, suspends and reactivates hospital B and moves time,
/// keeping a model of every patient–grantee pair built from the v2 rules: a grant signature relays only at the pair's
/// counter, before its deadline and if dated after what the pair's latest revoke or cancel covers (`revokedBefore`);
/// a signed revoke or cancel covers `issuedAt + MAX_CLOCK_SKEW`, relays only before its deadline and if that is
/// strictly more than `revokedBefore` (so never twice), and ends the grant if it was signed (or made) at or before what
/// it covers; a direct revoke or cancel ends whatever grant the pair has and covers
/// `max(now + MAX_CLOCK_SKEW, grantedAt, revokedBefore)`; a cancel bumps the counter; grants go only to grantees the
/// directory knows. Besides the model, it checks the reviewer's property directly: a grant signature made (in chain
/// time) no later than a revoke or cancel of the pair — a direct one's block, a signed one's `issuedAt` — never relays
/// after it, however far ahead the grant was dated.
contract ConsentHandler {
    uint256 internal constant HOSPITAL_FLAG = uint256(1) << 160;
    uint64 internal constant ALL_SCOPES = 0x1FFF;
    uint256 internal constant POOL_SIZE = 12;
    uint8 internal constant GRANT = 0;
    uint8 internal constant REVOKE = 1;
    uint8 internal constant CANCEL = 2;

    struct Model {
        uint64 scopes;
        uint40 expiry;
        uint8 purpose;
        uint32 counter;
        uint40 grantedAt;
        uint40 revokedBefore;
        bool signed; // the live grant came from a signature (else from a direct grant)
    }

    /// @dev A signed message not yet relayed, or relayed and kept for replays.
    struct Signed {
        uint8 kind;
        address patient;
        uint256 grantee;
        uint64 scopes;
        uint8 purpose;
        uint40 expiry;
        uint32 counter;
        uint256 issuedAt;
        uint256 deadline;
        bytes signature;
        uint256 cancelsAtSigning; // cancels relayed on the pair when this was signed
        uint256 signedAt; // the chain time when it was signed (its issuedAt may be up to the skew ahead, or earlier)
        bool relayed;
    }

    ConsentRegistry internal immutable registry;
    HospitalDirectory internal immutable directory;
    address internal immutable admin;
    address internal immutable nodeA;
    address internal immutable nodeB;
    uint32 internal immutable hospitalB;

    uint256[] internal patientKeys;
    address[] public patients;
    uint256[] public grantees;
    mapping(uint256 grantee => bool) public known;
    mapping(address patient => mapping(uint256 grantee => Model)) internal model;
    mapping(address patient => mapping(uint256 grantee => uint256)) internal cancels;
    /// @dev The latest time the patient revoked or cancelled the pair as of: a direct one's block time, a signed
    /// one's `issuedAt`.
    mapping(address patient => mapping(uint256 grantee => uint256)) internal revokedAsOf;
    Signed[] internal pool;
    uint256 internal lastPatient;
    uint256 internal lastGrantee;
    uint256 internal poolWrites;

    bool public hospitalBActive = true;
    bool public counterWentBackwards;
    bool public revokedSignatureRelayed;
    bool public grantSignedBeforeARevokeRelayed;
    bool public cancelledSignatureRelayed;
    bool public revokeLeftACoveredGrant;
    bool public directRevokeLeftAGrant;
    bool public revokedBeforeWentBackwards;
    bool public replayedGrantAccepted;
    bool public replayedCancelAccepted;
    bool public replayedRevokeAccepted;
    bool public unexpectedOutcome;
    uint256 public relayedGrants;
    uint256 public refusedGrants;
    uint256 public relayedRevokesAndCancels;

    constructor(
        ConsentRegistry registry_,
        HospitalDirectory directory_,
        address admin_,
        address nodeA_,
        address nodeB_,
        uint32 hospitalB_,
        uint256[] memory patientKeys_,
        uint256[] memory grantees_,
        bool[] memory known_
    ) {
        registry = registry_;
        directory = directory_;
        admin = admin_;
        nodeA = nodeA_;
        nodeB = nodeB_;
        hospitalB = hospitalB_;
        patientKeys = patientKeys_;
        for (uint256 i = 0; i < patientKeys_.length; i++) {
            patients.push(vm.addr(patientKeys_[i]));
        }
        grantees = grantees_;
        for (uint256 i = 0; i < grantees_.length; i++) {
            known[grantees_[i]] = known_[i];
        }
    }

    // ---- views for the invariants

    function patientCount() external view returns (uint256) {
        return patients.length;
    }

    function granteeCount() external view returns (uint256) {
        return grantees.length;
    }

    function modelOf(address patient, uint256 grantee) external view returns (Model memory) {
        return model[patient][grantee];
    }

    /// @dev The model of every grantee of `patient`, in the order of `grantees`.
    function modelsOf(address patient) external view returns (Model[] memory models) {
        models = new Model[](grantees.length);
        for (uint256 g = 0; g < grantees.length; g++) {
            models[g] = model[patient][grantees[g]];
        }
    }

    // ---- direct actions

    function grant(uint256 patientSeed, uint256 granteeSeed, uint64 scopes, uint32 life) external {
        (, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        scopes = uint64(1 + scopes % ALL_SCOPES);
        uint40 expiry = uint40(block.timestamp + 1 + life % 20 days);
        vm.prank(patient);
        try registry.grant(grantee, scopes, uint8(life % 5), expiry) {
            if (!known[grantee]) unexpectedOutcome = true;
            _applyGrant(patient, grantee, scopes, uint8(life % 5), expiry, block.timestamp, false);
        } catch {
            if (known[grantee]) unexpectedOutcome = true;
        }
    }

    function revoke(uint256 patientSeed, uint256 granteeSeed) external {
        (, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        uint256 covers = _coversNow(patient, grantee); // before the prank: it reads the registry
        vm.prank(patient);
        try registry.revoke(grantee) {
            _revokedAsOf(patient, grantee, block.timestamp);
            _applyRevoke(patient, grantee, covers, false);
            _checkDirectEnded(patient, grantee);
        } catch {
            unexpectedOutcome = true;
        }
    }

    function cancel(uint256 patientSeed, uint256 granteeSeed) external {
        (, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        uint256 covers = _coversNow(patient, grantee); // before the prank: it reads the registry
        vm.prank(patient);
        try registry.cancel(grantee) {
            _revokedAsOf(patient, grantee, block.timestamp);
            _applyRevoke(patient, grantee, covers, true);
            _checkDirectEnded(patient, grantee);
        } catch {
            unexpectedOutcome = true;
        }
    }

    // ---- signed actions: sign now, relay now or keep for later

    function signGrant(
        uint256 patientSeed,
        uint256 granteeSeed,
        uint64 scopes,
        uint32 life,
        uint256 timing,
        bool relayNow,
        bool viaNodeB
    ) external {
        (uint256 key, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        (uint256 issuedAt, uint256 deadline) = _timing(timing);
        Signed memory s = Signed({
            kind: GRANT,
            patient: patient,
            grantee: grantee,
            scopes: uint64(1 + scopes % ALL_SCOPES),
            purpose: uint8(life % 5),
            expiry: uint40(block.timestamp + 1 + life % 20 days),
            counter: model[patient][grantee].counter,
            issuedAt: issuedAt,
            deadline: deadline,
            signature: "",
            cancelsAtSigning: cancels[patient][grantee],
            signedAt: block.timestamp,
            relayed: false
        });
        s.signature = _sign(
            key, registry.grantDigest(patient, grantee, s.scopes, s.purpose, s.expiry, s.counter, issuedAt, deadline)
        );
        _keepAndMaybeRelay(s, relayNow, viaNodeB);
    }

    function signRevoke(uint256 patientSeed, uint256 granteeSeed, uint256 timing, bool relayNow) external {
        _signRevokeOrCancel(REVOKE, patientSeed, granteeSeed, timing, relayNow);
    }

    function signCancel(uint256 patientSeed, uint256 granteeSeed, uint256 timing, bool relayNow) external {
        _signRevokeOrCancel(CANCEL, patientSeed, granteeSeed, timing, relayNow);
    }

    /// @dev Relays (or replays) a kept signature, whatever has happened since it was signed.
    function relayKept(uint256 index, bool viaNodeB) external {
        if (pool.length == 0) return;
        _relay(index % pool.length, viaNodeB);
    }

    /// @dev Half the time within the clock skew, so that grants and revokes signed ahead meet direct revokes before
    /// the chain catches up; else up to two days, so that grants expire and signatures pass their deadlines.
    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + (seconds_ & 1 == 0 ? (seconds_ >> 1) % registry.MAX_CLOCK_SKEW() : seconds_ % 2 days));
    }

    function toggleHospitalB() external {
        hospitalBActive = !hospitalBActive;
        vm.prank(admin);
        directory.setHospitalStatus(
            hospitalB,
            hospitalBActive ? IHospitalDirectory.HospitalStatus.Active : IHospitalDirectory.HospitalStatus.Suspended
        );
    }

    // ---- helpers

    function _signRevokeOrCancel(uint8 kind, uint256 patientSeed, uint256 granteeSeed, uint256 timing, bool relayNow)
        internal
    {
        (uint256 key, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        (uint256 issuedAt, uint256 deadline) = _timing(timing);
        bytes32 digest = kind == REVOKE
            ? registry.revokeDigest(patient, grantee, issuedAt, deadline)
            : registry.cancelDigest(patient, grantee, issuedAt, deadline);
        Signed memory s = Signed({
            kind: kind,
            patient: patient,
            grantee: grantee,
            scopes: 0,
            purpose: 0,
            expiry: 0,
            counter: 0,
            issuedAt: issuedAt,
            deadline: deadline,
            signature: _sign(key, digest),
            cancelsAtSigning: cancels[patient][grantee],
            signedAt: block.timestamp,
            relayed: false
        });
        _keepAndMaybeRelay(s, relayNow, false);
    }

    /// @dev Mostly signed within the last three hours, one in eight up to the clock skew ahead; valid for one hour to
    /// three days (always within the 30-day cap).
    function _timing(uint256 timing) internal view returns (uint256 issuedAt, uint256 deadline) {
        issuedAt = timing % 8 == 0
            ? block.timestamp + (timing >> 3) % (registry.MAX_CLOCK_SKEW() + 1)
            : block.timestamp - (timing >> 3) % 3 hours;
        deadline = block.timestamp + 1 hours + (timing >> 32) % 3 days;
    }

    function _keepAndMaybeRelay(Signed memory s, bool relayNow, bool viaNodeB) internal {
        uint256 index;
        if (pool.length < POOL_SIZE) {
            index = pool.length;
            pool.push(s);
        } else {
            index = poolWrites % POOL_SIZE;
            pool[index] = s;
        }
        poolWrites += 1;
        if (relayNow) _relay(index, viaNodeB);
    }

    function _relay(uint256 index, bool viaNodeB) internal {
        Signed storage s = pool[index];
        if (s.kind == GRANT) {
            _relayGrant(s, viaNodeB);
        } else {
            _relayRevokeOrCancel(s);
        }
    }

    function _relayGrant(Signed storage s, bool viaNodeB) internal {
        Model memory m = model[s.patient][s.grantee];
        bool expected = (!viaNodeB || hospitalBActive) && s.deadline >= block.timestamp && s.counter == m.counter
            && s.issuedAt > m.revokedBefore && known[s.grantee] && s.expiry > block.timestamp;
        vm.prank(viaNodeB ? nodeB : nodeA);
        try registry.grantBySig(
            s.patient, s.grantee, s.scopes, s.purpose, s.expiry, s.counter, s.issuedAt, s.deadline, s.signature
        ) {
            if (!expected) unexpectedOutcome = true;
            if (s.relayed) replayedGrantAccepted = true;
            if (s.issuedAt <= m.revokedBefore) revokedSignatureRelayed = true;
            if (cancels[s.patient][s.grantee] > s.cancelsAtSigning) cancelledSignatureRelayed = true;
            if (s.signedAt <= revokedAsOf[s.patient][s.grantee]) grantSignedBeforeARevokeRelayed = true;
            s.relayed = true;
            relayedGrants += 1;
            _applyGrant(s.patient, s.grantee, s.scopes, s.purpose, s.expiry, s.issuedAt, true);
        } catch {
            if (expected) unexpectedOutcome = true;
            refusedGrants += 1;
        }
    }

    function _relayRevokeOrCancel(Signed storage s) internal {
        Model memory m = model[s.patient][s.grantee];
        bool cancelling = s.kind == CANCEL;
        uint256 covers = s.issuedAt + registry.MAX_CLOCK_SKEW();
        bool expected = s.deadline >= block.timestamp && covers > m.revokedBefore;
        // anyone may relay: the handler itself does
        bool ok;
        if (cancelling) {
            try registry.cancelBySig(s.patient, s.grantee, s.issuedAt, s.deadline, s.signature) {
                ok = true;
            } catch {}
        } else {
            try registry.revokeBySig(s.patient, s.grantee, s.issuedAt, s.deadline, s.signature) {
                ok = true;
            } catch {}
        }
        if (ok != expected) unexpectedOutcome = true;
        if (!ok) return;
        if (s.relayed) {
            if (cancelling) replayedCancelAccepted = true;
            else replayedRevokeAccepted = true;
        }
        s.relayed = true;
        relayedRevokesAndCancels += 1;
        _revokedAsOf(s.patient, s.grantee, s.issuedAt);
        _applyRevoke(s.patient, s.grantee, covers, cancelling);
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev A patient and a grantee from the seeds; or, when bit 8 of `patientSeed` is set, the pair picked last, so
    /// that actions meet on one pair (a grant signed ahead and the direct revoke that must end it) more often.
    function _pick(uint256 patientSeed, uint256 granteeSeed) internal returns (uint256, address, uint256) {
        if ((patientSeed >> 8) & 1 == 0) {
            lastPatient = patientSeed % patients.length;
            lastGrantee = granteeSeed % grantees.length;
        }
        return (patientKeys[lastPatient], patients[lastPatient], grantees[lastGrantee]);
    }

    function _applyGrant(
        address patient,
        uint256 grantee,
        uint64 scopes,
        uint8 purpose,
        uint40 expiry,
        uint256 grantedAt,
        bool signed
    ) internal {
        Model storage m = model[patient][grantee];
        _checkCounter(patient, grantee, m.counter, m.counter + 1);
        m.scopes = scopes;
        m.expiry = expiry;
        m.purpose = purpose;
        m.counter += 1;
        m.grantedAt = uint40(grantedAt);
        m.signed = signed;
    }

    /// @dev What a direct revoke or cancel now covers, from the model alone: the latest of now plus the clock skew,
    /// the pair's grantedAt and its revokedBefore (a signed revoke dated ahead covers up to twice the skew past now).
    function _coversNow(address patient, uint256 grantee) internal view returns (uint256 covers) {
        Model memory m = model[patient][grantee];
        covers = block.timestamp + registry.MAX_CLOCK_SKEW();
        if (m.grantedAt > covers) covers = m.grantedAt;
        if (m.revokedBefore > covers) covers = m.revokedBefore;
    }

    /// @dev After a direct revoke or cancel the pair has no grant at all, whatever it had.
    function _checkDirectEnded(address patient, uint256 grantee) internal {
        if (registry.getGrant(patient, grantee).scopes != 0) directRevokeLeftAGrant = true;
    }

    function _revokedAsOf(address patient, uint256 grantee, uint256 asOf) internal {
        if (asOf > revokedAsOf[patient][grantee]) revokedAsOf[patient][grantee] = asOf;
    }

    /// @dev The v2 rule, applied independently of the contract, then checked against what it stored: the revoke or
    /// cancel covering `covers` (never less than the pair's revokedBefore) ends a grant made at or before it.
    function _applyRevoke(address patient, uint256 grantee, uint256 covers, bool cancelling) internal {
        Model storage m = model[patient][grantee];
        _checkCounter(patient, grantee, m.counter, cancelling ? m.counter + 1 : m.counter);
        if (registry.getGrant(patient, grantee).revokedBefore < m.revokedBefore) revokedBeforeWentBackwards = true;
        if (covers < m.revokedBefore) unexpectedOutcome = true;
        if (m.scopes != 0 && m.grantedAt <= covers) {
            (m.scopes, m.expiry, m.purpose, m.signed) = (0, 0, 0, false);
        }
        m.revokedBefore = uint40(covers);
        if (cancelling) {
            m.counter += 1;
            cancels[patient][grantee] += 1;
        }
        IConsentRegistry.Grant memory stored = registry.getGrant(patient, grantee);
        // a revoke or cancel never leaves a grant signed (or made) at or before it
        if (stored.scopes != 0 && stored.grantedAt <= covers) revokeLeftACoveredGrant = true;
    }

    /// @dev Called after a successful action: the stored counter must be exactly the model's next one.
    function _checkCounter(address patient, uint256 grantee, uint32 before, uint32 next) internal {
        uint32 stored = registry.getGrant(patient, grantee).counter;
        if (stored < before) counterWentBackwards = true;
        if (stored != next) unexpectedOutcome = true;
    }
}

contract ConsentRegistryInvariantTest is Fixture {
    ConsentHandler internal handler;
    address[] internal practitioners;
    uint8[3] internal categories = [0, 6, 12];
    uint256[] internal grantees;

    function setUp() public override {
        super.setUp();
        uint256[] memory keys = new uint256[](3);
        keys[0] = patientKey;
        keys[1] = patient2Key;
        keys[2] = 0xBA7E19;
        bool[] memory known = new bool[](6);
        grantees.push(practitionerGrantee(drA));
        known[0] = true;
        grantees.push(practitionerGrantee(drB));
        known[1] = true;
        grantees.push(practitionerGrantee(adminA)); // a hospital admin: never a grantee
        known[2] = false;
        grantees.push(hospitalGrantee(hospitalA));
        known[3] = true;
        grantees.push(hospitalGrantee(hospitalB));
        known[4] = true;
        grantees.push(hospitalGrantee(3)); // never registered
        known[5] = false;
        handler = new ConsentHandler(registry, directory, admin, nodeA, nodeB, hospitalB, keys, grantees, known);
        practitioners = [drA, drA2, drB, adminA, stranger];
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev The practitioner's hospital if they are an active-eligible practitioner in this fixture, else 0.
    function practitionerHospital(address practitioner) internal view returns (uint32) {
        if (practitioner == drA || practitioner == drA2) return hospitalA;
        if (practitioner == drB) return handler.hospitalBActive() ? hospitalB : 0;
        return 0; // adminA is a HospitalAdmin, stranger is not staff
    }

    /// @dev Each invariant function is its own campaign; two campaigns keep the suite fast.
    function invariant_revokedOrExpiredGrantNeverAuthorizes() public view {
        _checkIsAuthorizedAgreesWithModel();
        _checkDeadHospitalGrantsNeverAuthorize();
    }

    function invariant_noGrantSignedAtOrBeforeTheLatestRevokeOrCancelIsEverActive() public view {
        _checkStoredPairsMatchModel();
        _checkNoActiveSignedGrantAtOrBeforeRevokedBefore();
        assertFalse(handler.counterWentBackwards(), "counter went backwards");
        assertFalse(handler.revokedSignatureRelayed(), "a grant signed at or before a revoke or cancel relayed");
        assertFalse(handler.grantSignedBeforeARevokeRelayed(), "a grant signed before a revoke relayed after it");
        assertFalse(handler.cancelledSignatureRelayed(), "a cancelled grant signature relayed");
        assertFalse(handler.revokeLeftACoveredGrant(), "a revoke or cancel left a grant it covers");
        assertFalse(handler.replayedGrantAccepted(), "a grant signature relayed twice");
        assertFalse(handler.replayedCancelAccepted(), "a cancel signature relayed twice");
        assertFalse(handler.replayedRevokeAccepted(), "a revoke signature relayed twice");
        assertFalse(handler.directRevokeLeftAGrant(), "a direct revoke or cancel left a grant");
        assertFalse(handler.revokedBeforeWentBackwards(), "revokedBefore went backwards");
        assertFalse(handler.unexpectedOutcome(), "an action succeeded or failed against the model");
    }

    function _covers(ConsentHandler.Model memory m, uint8 category) internal view returns (bool) {
        return (m.scopes >> category) & 1 == 1 && block.timestamp < m.expiry;
    }

    /// @dev Index of `grantee` in the handler's grantees, or type(uint256).max.
    function _indexOf(uint256 grantee) internal view returns (uint256) {
        for (uint256 g = 0; g < grantees.length; g++) {
            if (grantees[g] == grantee) return g;
        }
        return type(uint256).max;
    }

    /// @dev isAuthorized equals the model: an active practitioner, and a live (unrevoked, unexpired) direct or
    /// hospital grant with the category's bit. So a revoked, cancelled or expired grant never authorizes by itself.
    function _checkIsAuthorizedAgreesWithModel() internal view {
        uint256 patients = handler.patientCount();
        ConsentHandler.Model memory none;
        for (uint256 p = 0; p < patients; p++) {
            address patient_ = handler.patients(p);
            ConsentHandler.Model[] memory models = handler.modelsOf(patient_);
            for (uint256 q = 0; q < practitioners.length; q++) {
                address practitioner = practitioners[q];
                uint32 hospitalId = practitionerHospital(practitioner);
                uint256 d = _indexOf(practitionerGrantee(practitioner));
                ConsentHandler.Model memory direct = d == type(uint256).max ? none : models[d];
                ConsentHandler.Model memory viaHospital =
                    hospitalId == 0 ? none : models[_indexOf(hospitalGrantee(hospitalId))];
                for (uint256 c = 0; c < categories.length; c++) {
                    uint8 category = categories[c];
                    bool expected = hospitalId != 0 && (_covers(direct, category) || _covers(viaHospital, category));
                    assertTrue(registry.isAuthorized(patient_, practitioner, category) == expected, "isAuthorized");
                }
            }
        }
    }

    /// @dev A revoked, cancelled or expired hospital grant never authorizes the hospital.
    function _checkDeadHospitalGrantsNeverAuthorize() internal view {
        uint256 patients = handler.patientCount();
        for (uint256 p = 0; p < patients; p++) {
            address patient_ = handler.patients(p);
            ConsentHandler.Model[] memory models = handler.modelsOf(patient_);
            for (uint256 g = 0; g < grantees.length; g++) {
                if (grantees[g] < HOSPITAL_FLAG) continue;
                ConsentHandler.Model memory m = models[g];
                if (m.scopes != 0 && block.timestamp < m.expiry) continue;
                for (uint256 c = 0; c < categories.length; c++) {
                    assertFalse(
                        registry.isHospitalAuthorized(patient_, uint32(grantees[g]), categories[c]),
                        "dead hospital grant"
                    );
                }
            }
        }
    }

    /// @dev Every stored pair equals the model built from the v2 rules.
    function _checkStoredPairsMatchModel() internal view {
        uint256 patients = handler.patientCount();
        for (uint256 p = 0; p < patients; p++) {
            address patient_ = handler.patients(p);
            ConsentHandler.Model[] memory models = handler.modelsOf(patient_);
            for (uint256 g = 0; g < grantees.length; g++) {
                IConsentRegistry.Grant memory stored = registry.getGrant(patient_, grantees[g]);
                assertEq(stored.scopes, models[g].scopes, "scopes");
                assertEq(stored.expiry, models[g].expiry, "expiry");
                assertEq(stored.purpose, models[g].purpose, "purpose");
                assertEq(stored.counter, models[g].counter, "counter");
                assertEq(stored.revokedBefore, models[g].revokedBefore, "revokedBefore");
                // kept after the grant ends: a direct revoke or cancel reads it
                assertEq(stored.grantedAt, models[g].grantedAt, "grantedAt");
            }
        }
    }

    /// @dev A live grant that came from a signature was signed after the pair's latest revoke or cancel.
    function _checkNoActiveSignedGrantAtOrBeforeRevokedBefore() internal view {
        uint256 patients = handler.patientCount();
        for (uint256 p = 0; p < patients; p++) {
            address patient_ = handler.patients(p);
            ConsentHandler.Model[] memory models = handler.modelsOf(patient_);
            for (uint256 g = 0; g < grantees.length; g++) {
                if (!models[g].signed) continue;
                IConsentRegistry.Grant memory stored = registry.getGrant(patient_, grantees[g]);
                if (stored.scopes == 0) continue;
                assertTrue(stored.grantedAt > stored.revokedBefore, "live signed grant not newer than revokedBefore");
            }
        }
    }
}
