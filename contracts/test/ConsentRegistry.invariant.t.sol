// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Fixture} from "./Fixture.sol";
import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IConsentRegistry} from "../src/IConsentRegistry.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice Randomly grants, revokes (directly and by signature), replays signatures, suspends and reactivates
/// hospital B and moves time, keeping a model of every grant.
contract ConsentHandler {
    uint256 internal constant HOSPITAL_FLAG = uint256(1) << 160;
    uint64 internal constant ALL_SCOPES = 0x1FFF;

    struct Model {
        uint64 scopes;
        uint40 expiry;
        uint32 counter;
    }

    ConsentRegistry internal immutable registry;
    HospitalDirectory internal immutable directory;
    address internal immutable admin;
    address internal immutable relayer;
    uint32 internal immutable hospitalB;

    uint256[] internal patientKeys;
    address[] public patients;
    uint256[] public grantees;
    mapping(address patient => mapping(uint256 grantee => Model)) internal model;

    bool public hospitalBActive = true;
    bool public counterWentBackwards;
    bool public replaySucceeded;
    bool public unexpectedOutcome;

    // the last signature that was accepted, for replays
    bool internal haveLast;
    bool internal lastWasGrant;
    IConsentRegistry.Grant internal lastGrant;
    address internal lastPatient;
    uint256 internal lastGrantee;
    uint32 internal lastCounter;
    uint256 internal lastDeadline;
    bytes internal lastSignature;

    constructor(
        ConsentRegistry registry_,
        HospitalDirectory directory_,
        address admin_,
        address relayer_,
        uint32 hospitalB_,
        uint256[] memory patientKeys_,
        uint256[] memory grantees_
    ) {
        registry = registry_;
        directory = directory_;
        admin = admin_;
        relayer = relayer_;
        hospitalB = hospitalB_;
        patientKeys = patientKeys_;
        for (uint256 i = 0; i < patientKeys_.length; i++) {
            patients.push(vm.addr(patientKeys_[i]));
        }
        grantees = grantees_;
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

    // ---- actions

    function grant(uint256 patientSeed, uint256 granteeSeed, uint64 scopes, uint32 life) external {
        (, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        scopes = uint64(1 + scopes % ALL_SCOPES);
        uint40 expiry = uint40(block.timestamp + 1 + life % 20 days);
        vm.prank(patient);
        try registry.grant(grantee, scopes, uint8(life % 5), expiry) {
            _applyGrant(patient, grantee, scopes, expiry);
        } catch {
            unexpectedOutcome = true;
        }
    }

    function grantBySig(uint256 patientSeed, uint256 granteeSeed, uint64 scopes, uint32 life) external {
        (uint256 key, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        IConsentRegistry.Grant memory g = IConsentRegistry.Grant({
            scopes: uint64(1 + scopes % ALL_SCOPES),
            expiry: uint40(block.timestamp + 1 + life % 20 days),
            purpose: uint8(life % 5),
            counter: model[patient][grantee].counter
        });
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature = _signGrant(key, patient, grantee, g, deadline);
        if (_relayGrant(patient, grantee, g, deadline, signature)) {
            _applyGrant(patient, grantee, g.scopes, g.expiry);
            _remember(true, g, patient, grantee, g.counter, deadline, signature);
        } else {
            unexpectedOutcome = true;
        }
    }

    function _signGrant(
        uint256 key,
        address patient,
        uint256 grantee,
        IConsentRegistry.Grant memory g,
        uint256 deadline
    ) internal view returns (bytes memory) {
        bytes32 digest = registry.grantDigest(patient, grantee, g.scopes, g.purpose, g.expiry, g.counter, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _relayGrant(
        address patient,
        uint256 grantee,
        IConsentRegistry.Grant memory g,
        uint256 deadline,
        bytes memory signature
    ) internal returns (bool) {
        vm.prank(relayer);
        try registry.grantBySig(patient, grantee, g.scopes, g.purpose, g.expiry, g.counter, deadline, signature) {
            return true;
        } catch {
            return false;
        }
    }

    function revoke(uint256 patientSeed, uint256 granteeSeed) external {
        (, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        bool expectSuccess = model[patient][grantee].scopes != 0;
        vm.prank(patient);
        try registry.revoke(grantee) {
            if (!expectSuccess) unexpectedOutcome = true;
            _applyRevoke(patient, grantee);
        } catch {
            if (expectSuccess) unexpectedOutcome = true;
        }
    }

    function revokeBySig(uint256 patientSeed, uint256 granteeSeed) external {
        (uint256 key, address patient, uint256 grantee) = _pick(patientSeed, granteeSeed);
        bool expectSuccess = model[patient][grantee].scopes != 0;
        uint32 counter = model[patient][grantee].counter;
        uint256 deadline = block.timestamp;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, registry.revokeDigest(patient, grantee, counter, deadline));
        bytes memory signature = abi.encodePacked(r, s, v);
        try registry.revokeBySig(patient, grantee, counter, deadline, signature) {
            if (!expectSuccess) unexpectedOutcome = true;
            _applyRevoke(patient, grantee);
            _remember(false, lastGrant, patient, grantee, counter, deadline, signature);
        } catch {
            if (expectSuccess) unexpectedOutcome = true;
        }
    }

    function replayLastSignature() external {
        if (!haveLast) return;
        if (lastDeadline < block.timestamp) vm.warp(lastDeadline); // keep the deadline valid: only the counter may stop it
        bool ok;
        if (lastWasGrant) {
            ok = _relayGrant(lastPatient, lastGrantee, lastGrant, lastDeadline, lastSignature);
        } else {
            try registry.revokeBySig(lastPatient, lastGrantee, lastCounter, lastDeadline, lastSignature) {
                ok = true;
            } catch {}
        }
        if (ok) replaySucceeded = true;
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + seconds_ % 10 days);
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

    function _pick(uint256 patientSeed, uint256 granteeSeed) internal view returns (uint256, address, uint256) {
        uint256 p = patientSeed % patients.length;
        return (patientKeys[p], patients[p], grantees[granteeSeed % grantees.length]);
    }

    function _applyGrant(address patient, uint256 grantee, uint64 scopes, uint40 expiry) internal {
        Model storage m = model[patient][grantee];
        _checkCounter(patient, grantee, m.counter);
        m.scopes = scopes;
        m.expiry = expiry;
        m.counter += 1;
    }

    function _applyRevoke(address patient, uint256 grantee) internal {
        Model storage m = model[patient][grantee];
        _checkCounter(patient, grantee, m.counter);
        m.scopes = 0;
        m.expiry = 0;
        m.counter += 1;
    }

    /// @dev Called after a successful grant or revoke: the stored counter must be exactly one above the model's.
    function _checkCounter(address patient, uint256 grantee, uint32 before) internal {
        uint32 stored = registry.getGrant(patient, grantee).counter;
        if (stored <= before) counterWentBackwards = true;
        if (stored != before + 1) unexpectedOutcome = true;
    }

    function _remember(
        bool isGrant,
        IConsentRegistry.Grant memory g,
        address patient,
        uint256 grantee,
        uint32 counter,
        uint256 deadline,
        bytes memory signature
    ) internal {
        haveLast = true;
        lastWasGrant = isGrant;
        lastGrant = g;
        lastPatient = patient;
        lastGrantee = grantee;
        lastCounter = counter;
        lastDeadline = deadline;
        lastSignature = signature;
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
        grantees.push(practitionerGrantee(drA));
        grantees.push(practitionerGrantee(drB));
        grantees.push(practitionerGrantee(adminA));
        grantees.push(hospitalGrantee(hospitalA));
        grantees.push(hospitalGrantee(hospitalB));
        handler = new ConsentHandler(registry, directory, admin, nodeA, hospitalB, keys, grantees);
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

    function invariant_grantCountersNeverDecreaseAndSignaturesNeverReplay() public view {
        _checkStoredGrantsMatchModelAndCountersNeverDecrease();
        assertFalse(handler.replaySucceeded(), "replayed signature accepted");
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
    /// hospital grant with the category's bit. So a revoked or expired grant never authorizes by itself.
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

    /// @dev A revoked or expired hospital grant never authorizes the hospital.
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

    /// @dev The handler checks after every grant or revoke that the stored counter rose by exactly one; here every
    /// stored grant must equal the model, whose counters only ever increase.
    function _checkStoredGrantsMatchModelAndCountersNeverDecrease() internal view {
        assertFalse(handler.counterWentBackwards(), "counter went backwards");
        uint256 patients = handler.patientCount();
        for (uint256 p = 0; p < patients; p++) {
            address patient_ = handler.patients(p);
            ConsentHandler.Model[] memory models = handler.modelsOf(patient_);
            for (uint256 g = 0; g < grantees.length; g++) {
                IConsentRegistry.Grant memory stored = registry.getGrant(patient_, grantees[g]);
                assertEq(stored.scopes, models[g].scopes, "scopes");
                assertEq(stored.expiry, models[g].expiry, "expiry");
                assertEq(stored.counter, models[g].counter, "counter");
            }
        }
    }
}
