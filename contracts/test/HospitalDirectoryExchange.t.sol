// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Assertions} from "./Fixture.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";

/// @notice A hospital's exchange endpoint and public keys (signing and encryption), set and rotated by its node only.
/// Sets up its own directory (consortium admin `admin`, hospitals A and B, staff `drA` and `adminA` at A) so that it
/// does not depend on the other contracts' fixture. All keys and endpoints are synthetic.
contract HospitalDirectoryExchangeTest is Assertions {
    IHospitalDirectory.KeyType internal constant NONE = IHospitalDirectory.KeyType.None;
    IHospitalDirectory.KeyType internal constant SECP256K1 = IHospitalDirectory.KeyType.Secp256k1;
    IHospitalDirectory.KeyType internal constant P256 = IHospitalDirectory.KeyType.P256;
    IHospitalDirectory.KeyType internal constant ED25519 = IHospitalDirectory.KeyType.Ed25519;
    IHospitalDirectory.KeyType internal constant X25519 = IHospitalDirectory.KeyType.X25519;
    uint256 internal constant KEY_TYPES = 5;
    uint256 internal constant MAX_ENDPOINT = 256;
    uint256 internal constant T0 = 1_700_000_000;

    string internal constant ENDPOINT_A = "https://exchange.a.example/bbehr";
    string internal constant ENDPOINT_B = "https://exchange.b.example/bbehr";

    HospitalDirectory internal directory;

    address internal admin = vm.addr(0xAD1);
    address internal nodeA = vm.addr(0xA0);
    address internal nodeB = vm.addr(0xB0);
    address internal newNodeA = vm.addr(0xA0A0);
    address internal drA = vm.addr(0xA1);
    address internal adminA = vm.addr(0xA3);
    address internal stranger = vm.addr(0x5757);

    uint32 internal hospitalA;
    uint32 internal hospitalB;

    function setUp() public {
        vm.warp(T0);
        directory = new HospitalDirectory(admin);
        vm.startPrank(admin);
        hospitalA = directory.registerHospital(nodeA, "Hospital A", "https://a.example/fhir");
        hospitalB = directory.registerHospital(nodeB, "Hospital B", "https://b.example/fhir");
        vm.stopPrank();
        vm.startPrank(nodeA);
        directory.addStaff(drA, IHospitalDirectory.StaffRole.Practitioner);
        directory.addStaff(adminA, IHospitalDirectory.StaffRole.HospitalAdmin);
        vm.stopPrank();
        vm.label(address(directory), "HospitalDirectory");
        vm.label(admin, "admin");
        vm.label(nodeA, "nodeA");
        vm.label(nodeB, "nodeB");
        vm.label(drA, "drA");
        vm.label(adminA, "adminA");
        vm.label(stranger, "stranger");
    }

    // ---------------------------------------------------------------- helpers

    /// @dev A synthetic key of `length` bytes, distinct per `tag` (first byte a SEC1-style prefix where it fits).
    function keyOf(string memory tag, uint256 length) internal pure returns (bytes memory key) {
        key = new bytes(length);
        bytes32 seed = keccak256(bytes(tag));
        for (uint256 i = 0; i < length; i++) {
            key[i] = bytes1(uint8(uint256(keccak256(abi.encode(seed, i)))));
        }
        if (length == 33) key[0] = 0x02;
        if (length == 65) key[0] = 0x04;
    }

    function filled(uint256 length, bytes1 c) internal pure returns (string memory) {
        bytes memory b = new bytes(length);
        for (uint256 i = 0; i < length; i++) {
            b[i] = c;
        }
        return string(b);
    }

    function invalidKey(IHospitalDirectory.KeyType keyType, uint256 length) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryInvalidKey.selector, keyType, length);
    }

    function invalidEndpoint(uint256 length) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryInvalidEndpoint.selector, length);
    }

    function unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, caller);
    }

    function assertEqBytes(bytes memory a, bytes memory b, string memory message) internal pure {
        if (keccak256(a) != keccak256(b)) revert(string.concat(message, ": bytes differ"));
    }

    function assertEmpty(IHospitalDirectory.Exchange memory e, string memory message) internal pure {
        assertEq(bytes(e.endpoint).length, 0, string.concat(message, ": endpoint"));
        assertEq(uint8(e.signingKeyType), uint8(NONE), string.concat(message, ": signing type"));
        assertEq(e.signingKey.length, 0, string.concat(message, ": signing key"));
        assertEq(uint8(e.encryptionKeyType), uint8(NONE), string.concat(message, ": encryption type"));
        assertEq(e.encryptionKey.length, 0, string.concat(message, ": encryption key"));
        assertEq(e.updatedAt, 0, string.concat(message, ": updatedAt"));
    }

    function assertKeys(
        uint32 hospitalId,
        IHospitalDirectory.KeyType signingType,
        bytes memory signingKey,
        IHospitalDirectory.KeyType encryptionType,
        bytes memory encryptionKey,
        string memory message
    ) internal view {
        IHospitalDirectory.Exchange memory e = directory.exchangeOf(hospitalId);
        assertEq(uint8(e.signingKeyType), uint8(signingType), string.concat(message, ": signing type"));
        assertEqBytes(e.signingKey, signingKey, string.concat(message, ": signing key"));
        assertEq(uint8(e.encryptionKeyType), uint8(encryptionType), string.concat(message, ": encryption type"));
        assertEqBytes(e.encryptionKey, encryptionKey, string.concat(message, ": encryption key"));
    }

    function validSigning(IHospitalDirectory.KeyType t, uint256 length) internal pure returns (bool) {
        if (t == SECP256K1 || t == P256) return length == 33 || length == 65;
        return t == ED25519 && length == 32;
    }

    function validEncryption(IHospitalDirectory.KeyType t, uint256 length) internal pure returns (bool) {
        if (t == SECP256K1 || t == P256) return length == 33 || length == 65;
        return t == X25519 && length == 32;
    }

    function setKeysAsA(
        IHospitalDirectory.KeyType signingType,
        bytes memory signingKey,
        IHospitalDirectory.KeyType encryptionType,
        bytes memory encryptionKey
    ) internal {
        vm.prank(nodeA);
        directory.setKeys(signingType, signingKey, encryptionType, encryptionKey);
    }

    // ---------------------------------------------------------------- initial state

    function test_exchangeOf_isEmptyBeforeAnythingIsSet() public view {
        assertEmpty(directory.exchangeOf(hospitalA), "hospital A");
        assertEmpty(directory.exchangeOf(hospitalB), "hospital B");
    }

    function test_exchangeOf_isEmptyForUnknownHospital() public view {
        assertEmpty(directory.exchangeOf(0), "id 0");
        assertEmpty(directory.exchangeOf(99), "id 99");
    }

    // ---------------------------------------------------------------- setExchangeEndpoint

    function test_setExchangeEndpoint_byNodeStoresStampsAndEmits() public {
        vm.warp(T0 + 100);
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.ExchangeEndpointSet(hospitalA, ENDPOINT_A);
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);

        IHospitalDirectory.Exchange memory e = directory.exchangeOf(hospitalA);
        assertEq(e.endpoint, ENDPOINT_A, "endpoint");
        assertEq(e.updatedAt, T0 + 100, "updatedAt");
        assertEq(uint8(e.signingKeyType), uint8(NONE), "keys untouched: signing type");
        assertEq(e.signingKey.length, 0, "keys untouched: signing key");
        assertEq(e.encryptionKey.length, 0, "keys untouched: encryption key");
    }

    function test_setExchangeEndpoint_replacesPreviousEndpointAndRestamps() public {
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);

        vm.warp(T0 + 1 days);
        string memory moved = "https://exchange2.a.example/v2";
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.ExchangeEndpointSet(hospitalA, moved);
        vm.prank(nodeA);
        directory.setExchangeEndpoint(moved);

        IHospitalDirectory.Exchange memory e = directory.exchangeOf(hospitalA);
        assertEq(e.endpoint, moved, "endpoint replaced");
        assertEq(e.updatedAt, T0 + 1 days, "updatedAt restamped");
    }

    function test_setExchangeEndpoint_keepsKeys() public {
        bytes memory sk = keyOf("A signing", 33);
        bytes memory ek = keyOf("A encryption", 32);
        setKeysAsA(SECP256K1, sk, X25519, ek);
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);
        assertKeys(hospitalA, SECP256K1, sk, X25519, ek, "keys kept");
    }

    function test_setExchangeEndpoint_acceptsOneAndMaximumBytes() public {
        vm.prank(nodeA);
        directory.setExchangeEndpoint("x");
        assertEq(directory.exchangeOf(hospitalA).endpoint, "x", "1 byte");

        string memory longest = filled(MAX_ENDPOINT, "e");
        vm.prank(nodeA);
        directory.setExchangeEndpoint(longest);
        assertEq(directory.exchangeOf(hospitalA).endpoint, longest, "256 bytes");
    }

    function test_setExchangeEndpoint_revertsForEmpty() public {
        vm.expectRevert(invalidEndpoint(0));
        vm.prank(nodeA);
        directory.setExchangeEndpoint("");
    }

    function test_setExchangeEndpoint_revertsForOneByteOverMaximum() public {
        vm.expectRevert(invalidEndpoint(MAX_ENDPOINT + 1));
        vm.prank(nodeA);
        directory.setExchangeEndpoint(filled(MAX_ENDPOINT + 1, "e"));
    }

    function test_setExchangeEndpoint_countsBytesNotCharacters() public {
        // "é" is two bytes in UTF-8: 128 of them are 256 bytes (accepted), 129 are 258 (refused)
        bytes memory e2 = bytes(unicode"é");
        bytes memory ok = new bytes(0);
        for (uint256 i = 0; i < 128; i++) {
            ok = bytes.concat(ok, e2);
        }
        vm.prank(nodeA);
        directory.setExchangeEndpoint(string(ok));
        assertEq(bytes(directory.exchangeOf(hospitalA).endpoint).length, 256, "256 bytes of 128 characters");

        vm.expectRevert(invalidEndpoint(258));
        vm.prank(nodeA);
        directory.setExchangeEndpoint(string(bytes.concat(ok, e2)));
    }

    function test_setExchangeEndpoint_refusedEndpointLeavesPreviousInPlace() public {
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);
        vm.warp(T0 + 50);
        vm.expectRevert(invalidEndpoint(0));
        vm.prank(nodeA);
        directory.setExchangeEndpoint("");
        IHospitalDirectory.Exchange memory e = directory.exchangeOf(hospitalA);
        assertEq(e.endpoint, ENDPOINT_A, "kept");
        assertEq(e.updatedAt, T0, "not restamped");
    }

    function testFuzz_setExchangeEndpoint_acceptsExactlyOneTo256Bytes(uint256 lengthSeed) public {
        uint256 length = bound(lengthSeed, 0, 600);
        string memory endpoint = filled(length, "u");
        bool valid = length >= 1 && length <= MAX_ENDPOINT;
        if (!valid) vm.expectRevert(invalidEndpoint(length));
        vm.prank(nodeA);
        directory.setExchangeEndpoint(endpoint);
        assertEq(bytes(directory.exchangeOf(hospitalA).endpoint).length, valid ? length : 0, "stored length");
    }

    function test_setExchangeEndpoint_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.setExchangeEndpoint(ENDPOINT_A);
    }

    function test_setExchangeEndpoint_revertsForHospitalStaff() public {
        address[2] memory staff = [drA, adminA];
        for (uint256 i = 0; i < staff.length; i++) {
            vm.expectRevert(unauthorized(staff[i]));
            vm.prank(staff[i]);
            directory.setExchangeEndpoint(ENDPOINT_A);
        }
        assertEmpty(directory.exchangeOf(hospitalA), "untouched");
    }

    function test_setExchangeEndpoint_revertsForConsortiumAdmin() public {
        vm.expectRevert(unauthorized(admin));
        vm.prank(admin);
        directory.setExchangeEndpoint(ENDPOINT_A);
        assertEmpty(directory.exchangeOf(hospitalA), "A untouched");
        assertEmpty(directory.exchangeOf(hospitalB), "B untouched");
    }

    function test_setExchangeEndpoint_byAnotherHospitalsNodeOnlyChangesItsOwn() public {
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);

        vm.expectEmit(address(directory));
        emit IHospitalDirectory.ExchangeEndpointSet(hospitalB, ENDPOINT_B);
        vm.prank(nodeB);
        directory.setExchangeEndpoint(ENDPOINT_B);

        assertEq(directory.exchangeOf(hospitalA).endpoint, ENDPOINT_A, "A kept");
        assertEq(directory.exchangeOf(hospitalB).endpoint, ENDPOINT_B, "B set");
    }

    function test_setExchangeEndpoint_allowedForSuspendedHospitalsNode() public {
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);
        assertEq(directory.exchangeOf(hospitalA).endpoint, ENDPOINT_A, "set while suspended");
    }

    // ---------------------------------------------------------------- setKeys

    function test_setKeys_byNodeStoresStampsAndEmits() public {
        bytes memory sk = keyOf("A signing", 65);
        bytes memory ek = keyOf("A encryption", 33);
        vm.warp(T0 + 7);
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalKeysSet(hospitalA, SECP256K1, sk, P256, ek);
        setKeysAsA(SECP256K1, sk, P256, ek);

        assertKeys(hospitalA, SECP256K1, sk, P256, ek, "stored");
        IHospitalDirectory.Exchange memory e = directory.exchangeOf(hospitalA);
        assertEq(e.updatedAt, T0 + 7, "updatedAt");
        assertEq(bytes(e.endpoint).length, 0, "endpoint untouched");
    }

    function test_setKeys_acceptsEveryValidTypeAndLength() public {
        IHospitalDirectory.KeyType[5] memory signingTypes = [SECP256K1, SECP256K1, P256, P256, ED25519];
        uint256[5] memory signingLengths = [uint256(33), 65, 33, 65, 32];
        IHospitalDirectory.KeyType[5] memory encryptionTypes = [SECP256K1, SECP256K1, P256, P256, X25519];
        uint256[5] memory encryptionLengths = [uint256(33), 65, 33, 65, 32];
        for (uint256 i = 0; i < 5; i++) {
            for (uint256 j = 0; j < 5; j++) {
                bytes memory sk = keyOf(string.concat("s", vm.toString(i)), signingLengths[i]);
                bytes memory ek = keyOf(string.concat("e", vm.toString(j)), encryptionLengths[j]);
                setKeysAsA(signingTypes[i], sk, encryptionTypes[j], ek);
                assertKeys(hospitalA, signingTypes[i], sk, encryptionTypes[j], ek, "valid pair");
            }
        }
    }

    function test_setKeys_rotationReplacesBothKeysRestampsAndEmits() public {
        bytes memory sk1 = keyOf("A signing 1", 33);
        bytes memory ek1 = keyOf("A encryption 1", 65);
        setKeysAsA(SECP256K1, sk1, SECP256K1, ek1);

        vm.warp(T0 + 30 days);
        bytes memory sk2 = keyOf("A signing 2", 32);
        bytes memory ek2 = keyOf("A encryption 2", 32);
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalKeysSet(hospitalA, ED25519, sk2, X25519, ek2);
        setKeysAsA(ED25519, sk2, X25519, ek2);

        assertKeys(hospitalA, ED25519, sk2, X25519, ek2, "rotated");
        assertEq(directory.exchangeOf(hospitalA).updatedAt, T0 + 30 days, "restamped");
    }

    function test_setKeys_rotationOfOneKeyResubmitsTheOther() public {
        bytes memory sk = keyOf("A signing", 33);
        bytes memory ek1 = keyOf("A encryption 1", 32);
        bytes memory ek2 = keyOf("A encryption 2", 32);
        setKeysAsA(P256, sk, X25519, ek1);
        setKeysAsA(P256, sk, X25519, ek2);
        assertKeys(hospitalA, P256, sk, X25519, ek2, "only the encryption key changed");
    }

    function test_setKeys_shorterRotatedKeyLeavesNoTrailingBytes() public {
        setKeysAsA(SECP256K1, keyOf("long s", 65), SECP256K1, keyOf("long e", 65));
        bytes memory sk = keyOf("short s", 32);
        bytes memory ek = keyOf("short e", 33);
        setKeysAsA(ED25519, sk, P256, ek);
        IHospitalDirectory.Exchange memory e = directory.exchangeOf(hospitalA);
        assertEq(e.signingKey.length, 32, "signing length");
        assertEq(e.encryptionKey.length, 33, "encryption length");
        assertKeys(hospitalA, ED25519, sk, P256, ek, "exact");
    }

    function test_setKeys_keepsEndpoint() public {
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);
        setKeysAsA(ED25519, keyOf("s", 32), X25519, keyOf("e", 32));
        assertEq(directory.exchangeOf(hospitalA).endpoint, ENDPOINT_A, "endpoint kept");
    }

    function test_setKeys_allowedForSuspendedHospitalsNode() public {
        vm.prank(admin);
        directory.setHospitalStatus(hospitalA, IHospitalDirectory.HospitalStatus.Suspended);
        bytes memory sk = keyOf("s", 32);
        bytes memory ek = keyOf("e", 32);
        setKeysAsA(ED25519, sk, X25519, ek);
        assertKeys(hospitalA, ED25519, sk, X25519, ek, "set while suspended");
    }

    // ---- invalid keys

    function test_setKeys_revertsForNoneSigningType() public {
        uint256[4] memory lengths = [uint256(0), 32, 33, 65];
        for (uint256 i = 0; i < lengths.length; i++) {
            vm.expectRevert(invalidKey(NONE, lengths[i]));
            setKeysAsA(NONE, keyOf("s", lengths[i]), X25519, keyOf("e", 32));
        }
    }

    function test_setKeys_revertsForNoneEncryptionType() public {
        uint256[4] memory lengths = [uint256(0), 32, 33, 65];
        for (uint256 i = 0; i < lengths.length; i++) {
            vm.expectRevert(invalidKey(NONE, lengths[i]));
            setKeysAsA(ED25519, keyOf("s", 32), NONE, keyOf("e", lengths[i]));
        }
    }

    function test_setKeys_revertsForX25519AsSigningKey() public {
        vm.expectRevert(invalidKey(X25519, 32));
        setKeysAsA(X25519, keyOf("s", 32), X25519, keyOf("e", 32));
    }

    function test_setKeys_revertsForEd25519AsEncryptionKey() public {
        vm.expectRevert(invalidKey(ED25519, 32));
        setKeysAsA(ED25519, keyOf("s", 32), ED25519, keyOf("e", 32));
    }

    function test_setKeys_revertsForEcdsaKeyOfWrongLength() public {
        IHospitalDirectory.KeyType[2] memory ecdsa = [SECP256K1, P256];
        uint256[8] memory wrong = [uint256(0), 1, 32, 34, 64, 66, 20, 97];
        for (uint256 t = 0; t < ecdsa.length; t++) {
            for (uint256 i = 0; i < wrong.length; i++) {
                vm.expectRevert(invalidKey(ecdsa[t], wrong[i]));
                setKeysAsA(ecdsa[t], keyOf("s", wrong[i]), X25519, keyOf("e", 32));

                vm.expectRevert(invalidKey(ecdsa[t], wrong[i]));
                setKeysAsA(ED25519, keyOf("s", 32), ecdsa[t], keyOf("e", wrong[i]));
            }
        }
    }

    function test_setKeys_revertsForCurve25519KeyOfWrongLength() public {
        uint256[7] memory wrong = [uint256(0), 1, 31, 33, 64, 65, 57];
        for (uint256 i = 0; i < wrong.length; i++) {
            vm.expectRevert(invalidKey(ED25519, wrong[i]));
            setKeysAsA(ED25519, keyOf("s", wrong[i]), X25519, keyOf("e", 32));

            vm.expectRevert(invalidKey(X25519, wrong[i]));
            setKeysAsA(ED25519, keyOf("s", 32), X25519, keyOf("e", wrong[i]));
        }
    }

    function test_setKeys_invalidSigningKeyIsReportedBeforeInvalidEncryptionKey() public {
        vm.expectRevert(invalidKey(NONE, 3));
        setKeysAsA(NONE, keyOf("s", 3), NONE, keyOf("e", 4));
    }

    function test_setKeys_revertsForOutOfRangeKeyType() public {
        bytes memory sk = keyOf("s", 32);
        bytes memory ek = keyOf("e", 32);
        vm.prank(nodeA);
        (bool ok, bytes memory ret) = address(directory).call(
            abi.encodeWithSelector(IHospitalDirectory.setKeys.selector, uint256(KEY_TYPES), sk, uint256(4), ek)
        );
        assertFalse(ok, "signing type 5 must not decode");
        assertEq(ret.length, 0, "decoder revert carries no data");

        vm.prank(nodeA);
        (ok, ret) = address(directory).call(
            abi.encodeWithSelector(IHospitalDirectory.setKeys.selector, uint256(3), sk, uint256(KEY_TYPES), ek)
        );
        assertFalse(ok, "encryption type 5 must not decode");
        assertEmpty(directory.exchangeOf(hospitalA), "nothing stored");
    }

    function test_setKeys_refusedRotationLeavesPreviousKeysInPlace() public {
        bytes memory sk = keyOf("s", 33);
        bytes memory ek = keyOf("e", 65);
        setKeysAsA(P256, sk, SECP256K1, ek);
        vm.warp(T0 + 5);
        vm.expectRevert(invalidKey(X25519, 31));
        setKeysAsA(ED25519, keyOf("s2", 32), X25519, keyOf("e2", 31));
        assertKeys(hospitalA, P256, sk, SECP256K1, ek, "kept");
        assertEq(directory.exchangeOf(hospitalA).updatedAt, T0, "not restamped");
    }

    /// @dev Every (type, length) pair for the signing key: accepted exactly when valid, else the precise error.
    function testFuzz_setKeys_signingKeyAcceptedExactlyForValidTypeAndLength(uint8 typeSeed, uint256 lengthSeed)
        public
    {
        IHospitalDirectory.KeyType t = IHospitalDirectory.KeyType(bound(typeSeed, 0, KEY_TYPES - 1));
        uint256 length = bound(lengthSeed, 0, 200);
        bytes memory sk = keyOf("fuzz s", length);
        bytes memory ek = keyOf("fuzz e", 32);
        bool valid = validSigning(t, length);
        if (!valid) vm.expectRevert(invalidKey(t, length));
        setKeysAsA(t, sk, X25519, ek);
        if (valid) assertKeys(hospitalA, t, sk, X25519, ek, "accepted");
        else assertEmpty(directory.exchangeOf(hospitalA), "refused");
    }

    /// @dev Every (type, length) pair for the encryption key: accepted exactly when valid, else the precise error.
    function testFuzz_setKeys_encryptionKeyAcceptedExactlyForValidTypeAndLength(uint8 typeSeed, uint256 lengthSeed)
        public
    {
        IHospitalDirectory.KeyType t = IHospitalDirectory.KeyType(bound(typeSeed, 0, KEY_TYPES - 1));
        uint256 length = bound(lengthSeed, 0, 200);
        bytes memory sk = keyOf("fuzz s", 32);
        bytes memory ek = keyOf("fuzz e", length);
        bool valid = validEncryption(t, length);
        if (!valid) vm.expectRevert(invalidKey(t, length));
        setKeysAsA(ED25519, sk, t, ek);
        if (valid) assertKeys(hospitalA, ED25519, sk, t, ek, "accepted");
        else assertEmpty(directory.exchangeOf(hospitalA), "refused");
    }

    /// @dev Lengths near the valid ones are the likeliest mistakes: make sure the fuzzer always sees them too.
    function testFuzz_setKeys_lengthsNearValidOnesJudgedExactlyForEveryType(uint8 typeSeed, uint8 pick) public {
        IHospitalDirectory.KeyType t = IHospitalDirectory.KeyType(bound(typeSeed, 0, KEY_TYPES - 1));
        uint256[9] memory lengths = [uint256(0), 31, 32, 33, 34, 64, 65, 66, 128];
        uint256 length = lengths[pick % lengths.length];
        bool sValid = validSigning(t, length);
        bool eValid = validEncryption(t, length);
        if (!sValid) vm.expectRevert(invalidKey(t, length));
        setKeysAsA(t, keyOf("s", length), X25519, keyOf("e", 32));
        if (!eValid) vm.expectRevert(invalidKey(t, length));
        setKeysAsA(ED25519, keyOf("s", 32), t, keyOf("e", length));
    }

    // ---- who may call

    function test_setKeys_revertsForStranger() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.setKeys(ED25519, keyOf("s", 32), X25519, keyOf("e", 32));
    }

    function test_setKeys_revertsForHospitalStaff() public {
        address[2] memory staff = [drA, adminA];
        for (uint256 i = 0; i < staff.length; i++) {
            vm.expectRevert(unauthorized(staff[i]));
            vm.prank(staff[i]);
            directory.setKeys(ED25519, keyOf("s", 32), X25519, keyOf("e", 32));
        }
        assertEmpty(directory.exchangeOf(hospitalA), "untouched");
    }

    function test_setKeys_revertsForConsortiumAdmin() public {
        vm.expectRevert(unauthorized(admin));
        vm.prank(admin);
        directory.setKeys(ED25519, keyOf("s", 32), X25519, keyOf("e", 32));
        assertEmpty(directory.exchangeOf(hospitalA), "A untouched");
        assertEmpty(directory.exchangeOf(hospitalB), "B untouched");
    }

    function test_setKeys_unauthorizedCallerCheckedBeforeKeyValidity() public {
        vm.expectRevert(unauthorized(stranger));
        vm.prank(stranger);
        directory.setKeys(NONE, "", NONE, "");
    }

    function test_setKeys_byAnotherHospitalsNodeOnlyChangesItsOwn() public {
        bytes memory skA = keyOf("A s", 32);
        bytes memory ekA = keyOf("A e", 32);
        setKeysAsA(ED25519, skA, X25519, ekA);

        vm.warp(T0 + 1 hours);
        bytes memory skB = keyOf("B s", 65);
        bytes memory ekB = keyOf("B e", 33);
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalKeysSet(hospitalB, SECP256K1, skB, P256, ekB);
        vm.prank(nodeB);
        directory.setKeys(SECP256K1, skB, P256, ekB);

        assertKeys(hospitalA, ED25519, skA, X25519, ekA, "A kept");
        assertEq(directory.exchangeOf(hospitalA).updatedAt, T0, "A not restamped");
        assertKeys(hospitalB, SECP256K1, skB, P256, ekB, "B set");
        assertEq(directory.exchangeOf(hospitalB).updatedAt, T0 + 1 hours, "B stamped");
    }

    function test_setKeys_andEndpointOfOneHospitalNeverTouchAnother() public {
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);
        setKeysAsA(ED25519, keyOf("A s", 32), X25519, keyOf("A e", 32));
        setKeysAsA(P256, keyOf("A s2", 33), P256, keyOf("A e2", 65));
        assertEmpty(directory.exchangeOf(hospitalB), "B untouched");

        vm.prank(nodeB);
        directory.setExchangeEndpoint(ENDPOINT_B);
        vm.prank(nodeB);
        directory.setKeys(SECP256K1, keyOf("B s", 33), SECP256K1, keyOf("B e", 33));
        assertEq(directory.exchangeOf(hospitalA).endpoint, ENDPOINT_A, "A endpoint kept");
        assertKeys(hospitalA, P256, keyOf("A s2", 33), P256, keyOf("A e2", 65), "A keys kept");
    }

    function testFuzz_setKeys_ofOneHospitalNeverTouchAnother(bytes32 seed, bool aFirst) public {
        bytes memory skA = keyOf(string(abi.encode(seed, "A s")), 32);
        bytes memory ekA = keyOf(string(abi.encode(seed, "A e")), 65);
        bytes memory skB = keyOf(string(abi.encode(seed, "B s")), 33);
        bytes memory ekB = keyOf(string(abi.encode(seed, "B e")), 32);
        if (aFirst) setKeysAsA(ED25519, skA, SECP256K1, ekA);
        vm.prank(nodeB);
        directory.setKeys(P256, skB, X25519, ekB);
        if (!aFirst) setKeysAsA(ED25519, skA, SECP256K1, ekA);
        assertKeys(hospitalA, ED25519, skA, SECP256K1, ekA, "A");
        assertKeys(hospitalB, P256, skB, X25519, ekB, "B");
    }

    // ---- node rotation

    function test_rotatedOutNodeCanNoLongerSetKeysOrEndpoint() public {
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalA, newNodeA);

        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.setKeys(ED25519, keyOf("s", 32), X25519, keyOf("e", 32));
        vm.expectRevert(unauthorized(nodeA));
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);

        bytes memory sk = keyOf("new s", 32);
        bytes memory ek = keyOf("new e", 32);
        vm.prank(newNodeA);
        directory.setKeys(ED25519, sk, X25519, ek);
        assertKeys(hospitalA, ED25519, sk, X25519, ek, "new node sets A's keys");
    }

    /// @dev The exchange belongs to the hospital, not to the node address: it survives a node rotation until the new
    /// node rotates it (after a node-key compromise the new node must publish new keys itself).
    function test_exchange_survivesNodeRotationUntilNewNodeRotatesIt() public {
        bytes memory sk = keyOf("old s", 33);
        bytes memory ek = keyOf("old e", 33);
        vm.prank(nodeA);
        directory.setExchangeEndpoint(ENDPOINT_A);
        setKeysAsA(SECP256K1, sk, SECP256K1, ek);

        vm.prank(admin);
        directory.rotateNodeAddress(hospitalA, newNodeA);
        assertKeys(hospitalA, SECP256K1, sk, SECP256K1, ek, "kept across rotation");
        assertEq(directory.exchangeOf(hospitalA).endpoint, ENDPOINT_A, "endpoint kept across rotation");
    }
}
