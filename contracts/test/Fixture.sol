// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {RecordAnchor} from "../src/RecordAnchor.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice Minimal assertion helpers (forge-std is not a dependency).
abstract contract Assertions {
    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(string.concat("assertTrue failed: ", message));
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert(string.concat("assertFalse failed: ", message));
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) revert(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) revert(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) revert(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertEq(string memory a, string memory b, string memory message) internal pure {
        if (keccak256(bytes(a)) != keccak256(bytes(b))) revert(string.concat(message, ": '", a, "' != '", b, "'"));
    }

    function assertNotEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a == b) revert(string.concat(message, ": both ", vm.toString(a)));
    }

    /// @dev Maps `x` into [min, max] (inclusive).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + x % (size + 1);
    }
}

/// @notice Deploys the three contracts with two hospitals and their staff:
/// hospital A (node `nodeA`): practitioners `drA`, `drA2`, hospital admin `adminA`, auditor `auditorA`;
/// hospital B (node `nodeB`): practitioner `drB`. The consortium admin is the single address `admin`.
abstract contract Fixture is Assertions {
    uint256 internal constant HOSPITAL_FLAG = uint256(1) << 160;
    uint64 internal constant ALL_SCOPES = 0x1FFF;
    uint8 internal constant SENSITIVE = 12;
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 internal constant T0 = 1_700_000_000;

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant GRANT_TYPEHASH_STRING_HASH = keccak256(
        "Grant(address patient,uint256 grantee,uint64 scopes,uint8 purpose,uint40 expiry,uint32 counter,"
        "uint256 issuedAt,uint256 deadline)"
    );
    bytes32 internal constant REVOKE_TYPEHASH_STRING_HASH =
        keccak256("Revoke(address patient,uint256 grantee,uint256 issuedAt,uint256 deadline)");
    bytes32 internal constant CANCEL_TYPEHASH_STRING_HASH =
        keccak256("Cancel(address patient,uint256 grantee,uint256 issuedAt,uint256 deadline)");
    bytes32 internal constant LINK_TYPEHASH_STRING_HASH = keccak256(
        "Link(address patient,uint32 hospitalId,bytes32 patientIdHash,uint32 counter,uint256 issuedAt,uint256 deadline)"
    );
    /// @dev The documented limits of a signature and of break-glass declarations.
    uint256 internal constant MAX_LIFETIME = 30 days;
    uint256 internal constant MAX_SKEW = 5 minutes;
    uint256 internal constant MAX_EMERGENCIES = 10;
    uint256 internal constant WINDOW = 1 days;

    /// @dev A Grant message as the patient signs it.
    struct GrantMsg {
        address patient;
        uint256 grantee;
        uint64 scopes;
        uint8 purpose;
        uint40 expiry;
        uint32 counter;
        uint256 issuedAt;
        uint256 deadline;
    }

    /// @dev A Link message as the patient (and, for a re-link, the linked address) signs it.
    struct LinkMsg {
        address patient;
        uint32 hospitalId;
        bytes32 patientIdHash;
        uint32 counter;
        uint256 issuedAt;
        uint256 deadline;
    }

    HospitalDirectory internal directory;
    ConsentRegistry internal registry;
    RecordAnchor internal recordAnchor;

    address internal admin = vm.addr(0xAD1);
    address internal nodeA = vm.addr(0xA0);
    address internal nodeB = vm.addr(0xB0);
    address internal drA = vm.addr(0xA1);
    address internal drA2 = vm.addr(0xA2);
    address internal adminA = vm.addr(0xA3);
    address internal auditorA = vm.addr(0xA4);
    address internal drB = vm.addr(0xB1);
    address internal stranger = vm.addr(0x5757);

    uint256 internal patientKey = 0xBA7E17;
    address internal patient = vm.addr(0xBA7E17);
    uint256 internal patient2Key = 0xBA7E18;
    address internal patient2 = vm.addr(0xBA7E18);

    uint32 internal hospitalA;
    uint32 internal hospitalB;

    function setUp() public virtual {
        vm.warp(T0);
        directory = new HospitalDirectory(admin);
        registry = new ConsentRegistry(directory);
        recordAnchor = new RecordAnchor(directory);

        vm.startPrank(admin);
        hospitalA = directory.registerHospital(nodeA, "Hospital A", "https://a.example/fhir");
        hospitalB = directory.registerHospital(nodeB, "Hospital B", "https://b.example/fhir");
        vm.stopPrank();

        vm.startPrank(nodeA);
        directory.addStaff(drA, IHospitalDirectory.StaffRole.Practitioner);
        directory.addStaff(drA2, IHospitalDirectory.StaffRole.Practitioner);
        directory.addStaff(adminA, IHospitalDirectory.StaffRole.HospitalAdmin);
        directory.addStaff(auditorA, IHospitalDirectory.StaffRole.Auditor);
        vm.stopPrank();
        vm.prank(nodeB);
        directory.addStaff(drB, IHospitalDirectory.StaffRole.Practitioner);

        vm.label(address(directory), "HospitalDirectory");
        vm.label(address(registry), "ConsentRegistry");
        vm.label(address(recordAnchor), "RecordAnchor");
        vm.label(admin, "admin");
        vm.label(nodeA, "nodeA");
        vm.label(nodeB, "nodeB");
        vm.label(drA, "drA");
        vm.label(drA2, "drA2");
        vm.label(adminA, "adminA");
        vm.label(auditorA, "auditorA");
        vm.label(drB, "drB");
        vm.label(stranger, "stranger");
        vm.label(patient, "patient");
        vm.label(patient2, "patient2");
    }

    // ---- grantee encoding ----

    function practitionerGrantee(address practitioner) internal pure returns (uint256) {
        return uint256(uint160(practitioner));
    }

    function hospitalGrantee(uint32 hospitalId) internal pure returns (uint256) {
        return HOSPITAL_FLAG | hospitalId;
    }

    // ---- EIP-712, computed independently of the contract ----

    function domainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("BbEHR ConsentRegistry"), keccak256("2"), block.chainid, address(registry)
            )
        );
    }

    function grantDigestOf(GrantMsg memory g) internal view returns (bytes32) {
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
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function revokeDigestOf(address patient_, uint256 grantee, uint256 issuedAt, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(REVOKE_TYPEHASH_STRING_HASH, patient_, grantee, issuedAt, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function cancelDigestOf(address patient_, uint256 grantee, uint256 issuedAt, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(CANCEL_TYPEHASH_STRING_HASH, patient_, grantee, issuedAt, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function linkDigestOf(LinkMsg memory l) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                LINK_TYPEHASH_STRING_HASH, l.patient, l.hospitalId, l.patientIdHash, l.counter, l.issuedAt, l.deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The address `ecrecover` yields for a 65-byte signature over `digest` (what the registry reports).
    function recoverOf(bytes32 digest, bytes memory signature) internal pure returns (address) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(signature, 0x20))
            s := mload(add(signature, 0x40))
            v := byte(0, mload(add(signature, 0x60)))
        }
        return ecrecover(digest, v, r, s);
    }

    /// @dev A grant message for the pair's current counter, signed now: purpose treatment, 30 days, deadline in one
    /// hour.
    function grantMsg(address patient_, uint256 grantee, uint64 scopes) internal view returns (GrantMsg memory g) {
        g = GrantMsg({
            patient: patient_,
            grantee: grantee,
            scopes: scopes,
            purpose: 0,
            expiry: uint40(block.timestamp + 30 days),
            counter: registry.getGrant(patient_, grantee).counter,
            issuedAt: block.timestamp,
            deadline: block.timestamp + 1 hours
        });
    }

    /// @dev A link message for the caller hospital's Patient `patientIdHash` at its current counter, signed now,
    /// deadline in one hour.
    function linkMsg(address patient_, uint32 hospitalId, bytes32 patientIdHash)
        internal
        view
        returns (LinkMsg memory l)
    {
        l = LinkMsg({
            patient: patient_,
            hospitalId: hospitalId,
            patientIdHash: patientIdHash,
            counter: registry.linkOf(hospitalId, patientIdHash).counter,
            issuedAt: block.timestamp,
            deadline: block.timestamp + 1 hours
        });
    }

    function signGrant(uint256 key, GrantMsg memory g) internal view returns (bytes memory) {
        return signDigest(key, grantDigestOf(g));
    }

    function signRevoke(uint256 key, address patient_, uint256 grantee, uint256 issuedAt, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return signDigest(key, revokeDigestOf(patient_, grantee, issuedAt, deadline));
    }

    function signCancel(uint256 key, address patient_, uint256 grantee, uint256 issuedAt, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return signDigest(key, cancelDigestOf(patient_, grantee, issuedAt, deadline));
    }

    function signLink(uint256 key, LinkMsg memory l) internal view returns (bytes memory) {
        return signDigest(key, linkDigestOf(l));
    }

    /// @dev Relays `g` with `signature` from `relayer` (the prank applies to the registry call only).
    function relayGrant(address relayer, GrantMsg memory g, bytes memory signature) internal {
        vm.prank(relayer);
        registry.grantBySig(
            g.patient, g.grantee, g.scopes, g.purpose, g.expiry, g.counter, g.issuedAt, g.deadline, signature
        );
    }

    /// @dev Relays a signed revoke from `relayer`.
    function relayRevoke(
        address relayer,
        address patient_,
        uint256 grantee,
        uint256 issuedAt,
        uint256 deadline,
        bytes memory signature
    ) internal {
        vm.prank(relayer);
        registry.revokeBySig(patient_, grantee, issuedAt, deadline, signature);
    }

    /// @dev Relays a signed cancel from `relayer`.
    function relayCancel(
        address relayer,
        address patient_,
        uint256 grantee,
        uint256 issuedAt,
        uint256 deadline,
        bytes memory signature
    ) internal {
        vm.prank(relayer);
        registry.cancelBySig(patient_, grantee, issuedAt, deadline, signature);
    }

    /// @dev Relays `l` from hospital node `node` (whose hospital must be `l.hospitalId` for the signature to hold).
    function relayLink(address node, LinkMsg memory l, bytes memory signature, bytes memory previousSignature)
        internal
    {
        vm.prank(node);
        registry.linkBySig(l.patient, l.patientIdHash, l.counter, l.issuedAt, l.deadline, signature, previousSignature);
    }

    /// @dev Patient grants directly (the prank applies to the registry call only).
    function directGrant(address patient_, uint256 grantee, uint64 scopes, uint40 expiry) internal {
        vm.prank(patient_);
        registry.grant(grantee, scopes, 0, expiry);
    }

    function inDays(uint256 d) internal view returns (uint40) {
        return uint40(block.timestamp + d * 1 days);
    }
}
