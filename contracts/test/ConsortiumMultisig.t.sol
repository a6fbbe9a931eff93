// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Assertions} from "./Fixture.sol";
import {ConsortiumMultisig} from "../src/ConsortiumMultisig.sol";
import {HospitalDirectory} from "../src/HospitalDirectory.sol";
import {IHospitalDirectory} from "../src/IHospitalDirectory.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @dev A call target that counts its calls, remembers the last caller, and can be told to fail.
contract MultisigTarget {
    error TargetRefused(uint256 code);

    uint256 public hits;
    uint256 public lastValue;
    address public lastCaller;

    function hit(uint256 value) external {
        hits++;
        lastValue = value;
        lastCaller = msg.sender;
    }

    function failWithString() external pure {
        revert("target says no");
    }

    function failWithError(uint256 code) external pure {
        revert TargetRefused(code);
    }

    function failEmpty() external pure {
        revert();
    }
}

/// @dev Shared owners, error encoders and helpers.
abstract contract MultisigBase is Assertions {
    address internal owner1 = vm.addr(0x9001);
    address internal owner2 = vm.addr(0x9002);
    address internal owner3 = vm.addr(0x9003);
    address internal outsider = vm.addr(0x9999);

    function threeOwners() internal view returns (address[] memory owners) {
        owners = new address[](3);
        owners[0] = owner1;
        owners[1] = owner2;
        owners[2] = owner3;
    }

    function invalidConfig(uint256 owners, uint256 threshold) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigInvalidConfig.selector, owners, threshold);
    }

    function unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigUnauthorized.selector, caller);
    }

    function notEnough(uint256 id, uint256 approvals, uint256 threshold) internal pure returns (bytes memory) {
        // casting to 'uint16' is safe because approvals and thresholds here never exceed the owner count (<= 10)
        // forge-lint: disable-next-line(unsafe-typecast)
        return abi.encodeWithSelector(
            ConsortiumMultisig.MultisigNotEnoughApprovals.selector, id, uint16(approvals), uint16(threshold)
        );
    }

    function alreadyApproved(uint256 id, address owner) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigAlreadyApproved.selector, id, owner);
    }

    function alreadyExecuted(uint256 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigAlreadyExecuted.selector, id);
    }

    function unknownProposal(uint256 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigUnknownProposal.selector, id);
    }

    function invalidTarget(address target_) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigInvalidTarget.selector, target_);
    }

    function callFailed(uint256 id, bytes memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumMultisig.MultisigCallFailed.selector, id, reason);
    }

    function accessDenied(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    function assertEqBytes(bytes memory a, bytes memory b, string memory message) internal pure {
        if (keccak256(a) != keccak256(b)) revert(string.concat(message, ": bytes differ"));
    }
}

/// @notice The multisig on its own: configuration, k-of-n approval, single execution, failure reporting.
contract ConsortiumMultisigTest is MultisigBase {
    ConsortiumMultisig internal multisig;
    MultisigTarget internal target;
    bytes internal hitCall;

    function setUp() public {
        multisig = new ConsortiumMultisig(threeOwners(), 2);
        target = new MultisigTarget();
        hitCall = abi.encodeCall(MultisigTarget.hit, (42));
        vm.label(address(multisig), "multisig");
        vm.label(address(target), "target");
        vm.label(owner1, "owner1");
        vm.label(owner2, "owner2");
        vm.label(owner3, "owner3");
        vm.label(outsider, "outsider");
    }

    function proposeHit(address proposer) internal returns (uint256 id) {
        vm.prank(proposer);
        id = multisig.propose(address(target), hitCall);
    }

    function approveAs(address owner, uint256 id) internal {
        vm.prank(owner);
        multisig.approve(id);
    }

    function executeAs(address owner, uint256 id) internal {
        vm.prank(owner);
        multisig.execute(id);
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_storesOwnersThresholdAndVersion() public view {
        assertEq(multisig.threshold(), 2, "threshold");
        assertEq(multisig.VERSION(), 2, "version");
        address[] memory owners = multisig.owners();
        assertEq(owners.length, 3, "owner count");
        assertEq(owners[0], owner1, "owner 1 in order");
        assertEq(owners[1], owner2, "owner 2 in order");
        assertEq(owners[2], owner3, "owner 3 in order");
        assertTrue(multisig.isOwner(owner1) && multisig.isOwner(owner2) && multisig.isOwner(owner3), "owners");
        assertFalse(multisig.isOwner(outsider), "outsider");
        assertFalse(multisig.isOwner(address(this)), "deployer is not an owner");
        assertFalse(multisig.isOwner(address(0)), "zero address");
        assertEq(multisig.proposalCount(), 0, "no proposals");
    }

    function test_constructor_acceptsThresholdEqualToOwnerCount() public {
        ConsortiumMultisig all = new ConsortiumMultisig(threeOwners(), 3);
        assertEq(all.threshold(), 3, "3-of-3");
        address[] memory two = new address[](2);
        two[0] = owner1;
        two[1] = owner2;
        assertEq(new ConsortiumMultisig(two, 2).threshold(), 2, "2-of-2");
    }

    function test_constructor_revertsForThresholdZero() public {
        vm.expectRevert(invalidConfig(3, 0));
        new ConsortiumMultisig(threeOwners(), 0);
    }

    function test_constructor_revertsForThresholdOne() public {
        vm.expectRevert(invalidConfig(3, 1));
        new ConsortiumMultisig(threeOwners(), 1);
    }

    function test_constructor_revertsForThresholdAboveOwnerCount() public {
        vm.expectRevert(invalidConfig(3, 4));
        new ConsortiumMultisig(threeOwners(), 4);
        vm.expectRevert(invalidConfig(3, type(uint16).max));
        new ConsortiumMultisig(threeOwners(), type(uint16).max);
    }

    function test_constructor_revertsForNoOrSingleOwner() public {
        vm.expectRevert(invalidConfig(0, 2));
        new ConsortiumMultisig(new address[](0), 2);
        address[] memory one = new address[](1);
        one[0] = owner1;
        vm.expectRevert(invalidConfig(1, 1));
        new ConsortiumMultisig(one, 1);
    }

    function test_constructor_revertsForDuplicateOwner() public {
        address[] memory owners = threeOwners();
        owners[1] = owner1; // adjacent duplicate
        vm.expectRevert(invalidConfig(3, 2));
        new ConsortiumMultisig(owners, 2);

        owners = threeOwners();
        owners[2] = owner1; // non-adjacent duplicate
        vm.expectRevert(invalidConfig(3, 2));
        new ConsortiumMultisig(owners, 2);

        // one key twice in a 2-of-2 would be a single key
        address[] memory twice = new address[](2);
        twice[0] = owner1;
        twice[1] = owner1;
        vm.expectRevert(invalidConfig(2, 2));
        new ConsortiumMultisig(twice, 2);
    }

    function test_constructor_revertsForZeroOwner() public {
        address[] memory owners = threeOwners();
        owners[0] = address(0);
        vm.expectRevert(invalidConfig(3, 2));
        new ConsortiumMultisig(owners, 2);

        owners = threeOwners();
        owners[2] = address(0);
        vm.expectRevert(invalidConfig(3, 2));
        new ConsortiumMultisig(owners, 2);
    }

    function testFuzz_constructor_acceptsExactlyTwoToOwnerCountThreshold(uint8 nSeed, uint16 thresholdSeed) public {
        uint256 n = bound(nSeed, 0, 10);
        uint16 threshold = uint16(bound(thresholdSeed, 0, 12));
        address[] memory owners = new address[](n);
        for (uint256 i = 0; i < n; i++) {
            owners[i] = vm.addr(0x7000 + i);
        }
        bool valid = threshold >= 2 && threshold <= n;
        if (!valid) vm.expectRevert(invalidConfig(n, threshold));
        ConsortiumMultisig m = new ConsortiumMultisig(owners, threshold);
        if (valid) assertEq(m.threshold(), threshold, "threshold");
    }

    // ---------------------------------------------------------------- propose

    function test_propose_storesProposalCountsProposerApprovalAndEmits() public {
        vm.expectEmit(address(multisig));
        emit ConsortiumMultisig.Proposed(1, owner1, address(target), hitCall);
        vm.expectEmit(address(multisig));
        emit ConsortiumMultisig.Approved(1, owner1, 1);
        uint256 id = proposeHit(owner1);

        assertEq(id, 1, "first id is 1");
        assertEq(multisig.proposalCount(), 1, "count");
        ConsortiumMultisig.Proposal memory p = multisig.getProposal(id);
        assertEq(p.target, address(target), "target");
        assertEq(p.approvals, 1, "proposer's approval counted");
        assertFalse(p.executed, "not executed");
        assertEqBytes(p.data, hitCall, "data");
        assertTrue(multisig.approvedBy(id, owner1), "approved by proposer");
        assertFalse(multisig.approvedBy(id, owner2), "not by owner2");
        assertEq(target.hits(), 0, "nothing called");
    }

    function test_propose_assignsIncreasingIdsWithSeparateApprovals() public {
        uint256 a = proposeHit(owner1);
        uint256 b = proposeHit(owner2);
        assertEq(a, 1, "first");
        assertEq(b, 2, "second");
        assertTrue(multisig.approvedBy(a, owner1) && !multisig.approvedBy(a, owner2), "approvals of 1");
        assertTrue(multisig.approvedBy(b, owner2) && !multisig.approvedBy(b, owner1), "approvals of 2");
    }

    function test_propose_revertsForNonOwner() public {
        vm.expectRevert(unauthorized(outsider));
        vm.prank(outsider);
        multisig.propose(address(target), hitCall);
        assertEq(multisig.proposalCount(), 0, "nothing proposed");
    }

    function test_propose_refusesZeroTargetAndLeavesNoProposal() public {
        uint256 first = proposeHit(owner1);
        vm.expectRevert(invalidTarget(address(0)));
        vm.prank(owner2);
        multisig.propose(address(0), hitCall);
        assertEq(multisig.proposalCount(), first, "proposalCount unchanged");
        ConsortiumMultisig.Proposal memory p = multisig.getProposal(first + 1);
        assertEq(p.target, address(0), "no proposal stored");
        assertEq(p.approvals, 0, "no approval stored");
        assertFalse(multisig.approvedBy(first + 1, owner2), "proposer's approval not recorded");
        // the next proposal takes the id the refused one would have had
        assertEq(proposeHit(owner2), first + 1, "id not consumed");
    }

    /// @dev A mistyped target (an address without code, such as an owner's own account) would have made a call that
    /// "succeeds" without effect; it is refused when proposed instead of being consumed silently at execution.
    function test_propose_refusesTargetWithoutCodeAndLeavesNoProposal() public {
        address[3] memory withoutCode = [vm.addr(0xDEAD), owner3, address(1)]; // an EOA, an owner, a precompile
        for (uint256 i = 0; i < withoutCode.length; i++) {
            vm.expectRevert(invalidTarget(withoutCode[i]));
            vm.prank(owner1);
            multisig.propose(withoutCode[i], hitCall);
        }
        assertEq(multisig.proposalCount(), 0, "proposalCount unchanged");
        assertEq(multisig.getProposal(1).target, address(0), "no proposal stored");
        assertFalse(multisig.approvedBy(1, owner1), "proposer's approval not recorded");
        vm.expectRevert(unknownProposal(1));
        approveAs(owner2, 1);
        vm.expectRevert(unknownProposal(1));
        executeAs(owner1, 1);
    }

    function testFuzz_propose_refusesEveryAddressWithoutCode(address account) public {
        vm.assume(account.code.length == 0);
        vm.expectRevert(invalidTarget(account));
        vm.prank(owner1);
        multisig.propose(account, hitCall);
        assertEq(multisig.proposalCount(), 0, "proposalCount unchanged");
    }

    // ---------------------------------------------------------------- approve

    function test_approve_bySecondOwnerCountsAndEmits() public {
        uint256 id = proposeHit(owner1);
        vm.expectEmit(address(multisig));
        emit ConsortiumMultisig.Approved(id, owner2, 2);
        approveAs(owner2, id);
        assertEq(multisig.getProposal(id).approvals, 2, "approvals");
        assertTrue(multisig.approvedBy(id, owner2), "approvedBy");
        assertEq(target.hits(), 0, "approval alone calls nothing");
    }

    function test_approve_revertsForProposerApprovingAgain() public {
        uint256 id = proposeHit(owner1);
        vm.expectRevert(alreadyApproved(id, owner1));
        approveAs(owner1, id);
        assertEq(multisig.getProposal(id).approvals, 1, "still one");
    }

    function test_approve_revertsForSecondApprovalBySameOwner() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        vm.expectRevert(alreadyApproved(id, owner2));
        approveAs(owner2, id);
        assertEq(multisig.getProposal(id).approvals, 2, "still two");
    }

    function test_approve_revertsForNonOwner() public {
        uint256 id = proposeHit(owner1);
        vm.expectRevert(unauthorized(outsider));
        vm.prank(outsider);
        multisig.approve(id);
        assertEq(multisig.getProposal(id).approvals, 1, "not counted");
    }

    function test_approve_revertsForUnknownProposal() public {
        vm.expectRevert(unknownProposal(0));
        approveAs(owner1, 0);
        proposeHit(owner1);
        vm.expectRevert(unknownProposal(2));
        approveAs(owner2, 2);
    }

    function test_approve_revertsAfterExecution() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        executeAs(owner1, id);
        vm.expectRevert(alreadyExecuted(id));
        approveAs(owner3, id);
    }

    // ---------------------------------------------------------------- execute

    function test_execute_revertsWithOnlyProposersApprovalOf2of3() public {
        uint256 id = proposeHit(owner1);
        address[3] memory everyone = [owner1, owner2, owner3];
        for (uint256 i = 0; i < everyone.length; i++) {
            vm.expectRevert(notEnough(id, 1, 2));
            executeAs(everyone[i], id);
        }
        assertEq(target.hits(), 0, "not called");
        assertFalse(multisig.getProposal(id).executed, "not executed");
    }

    function test_execute_withTwoOf3ApprovalsCallsTargetOnceAndEmits() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        vm.expectEmit(address(multisig));
        emit ConsortiumMultisig.Executed(id);
        executeAs(owner1, id);

        assertEq(target.hits(), 1, "called once");
        assertEq(target.lastValue(), 42, "with the proposed data");
        assertEq(target.lastCaller(), address(multisig), "as the multisig");
        assertTrue(multisig.getProposal(id).executed, "executed");
    }

    function test_execute_byOwnerWhoDidNotApprove() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        executeAs(owner3, id);
        assertEq(target.hits(), 1, "any owner executes");
    }

    function test_execute_revertsForNonOwnerEvenWhenApproved() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        vm.expectRevert(unauthorized(outsider));
        vm.prank(outsider);
        multisig.execute(id);
        assertEq(target.hits(), 0, "not called");
    }

    function test_execute_onlyOnce() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        executeAs(owner1, id);
        vm.expectRevert(alreadyExecuted(id));
        executeAs(owner1, id);
        vm.expectRevert(alreadyExecuted(id));
        executeAs(owner2, id);
        assertEq(target.hits(), 1, "called once only");
    }

    function test_execute_revertsForUnknownProposal() public {
        vm.expectRevert(unknownProposal(0));
        executeAs(owner1, 0);
        vm.expectRevert(unknownProposal(7));
        executeAs(owner1, 7);
    }

    function test_execute_sameCallProposedAgainNeedsFreshApprovals() public {
        uint256 first = proposeHit(owner1);
        approveAs(owner2, first);
        executeAs(owner1, first);

        uint256 second = proposeHit(owner1);
        vm.expectRevert(notEnough(second, 1, 2));
        executeAs(owner1, second);
        approveAs(owner3, second);
        executeAs(owner3, second);
        assertEq(target.hits(), 2, "each proposal executes once");
    }

    function test_execute_failingCallRevertsWithMultisigCallFailedCarryingStringReason() public {
        vm.prank(owner1);
        uint256 id = multisig.propose(address(target), abi.encodeCall(MultisigTarget.failWithString, ()));
        approveAs(owner2, id);
        vm.expectRevert(callFailed(id, abi.encodeWithSignature("Error(string)", "target says no")));
        executeAs(owner1, id);
        assertFalse(multisig.getProposal(id).executed, "not marked executed");
    }

    function test_execute_failingCallRevertsWithMultisigCallFailedCarryingCustomError() public {
        vm.prank(owner1);
        uint256 id = multisig.propose(address(target), abi.encodeCall(MultisigTarget.failWithError, (7)));
        approveAs(owner3, id);
        vm.expectRevert(callFailed(id, abi.encodeWithSelector(MultisigTarget.TargetRefused.selector, 7)));
        executeAs(owner2, id);
    }

    function test_execute_failingCallWithoutReasonCarriesEmptyReason() public {
        vm.prank(owner1);
        uint256 id = multisig.propose(address(target), abi.encodeCall(MultisigTarget.failEmpty, ()));
        approveAs(owner2, id);
        vm.expectRevert(callFailed(id, ""));
        executeAs(owner1, id);
    }

    function test_execute_unknownFunctionRevertsWithMultisigCallFailed() public {
        vm.prank(owner1);
        uint256 id = multisig.propose(address(target), abi.encodeWithSignature("noSuchFunction()"));
        approveAs(owner2, id);
        vm.expectRevert(callFailed(id, ""));
        executeAs(owner1, id);
    }

    function test_execute_failedCallStaysApprovedAndCanBeRetried() public {
        // a call that fails now (the target is not ready for it) succeeds later; the failed attempt is undone
        ConsortiumMultisig m = new ConsortiumMultisig(threeOwners(), 2);
        FlakyTarget flaky = new FlakyTarget();
        vm.prank(owner1);
        uint256 id = m.propose(address(flaky), abi.encodeCall(FlakyTarget.poke, ()));
        vm.prank(owner2);
        m.approve(id);

        vm.expectRevert(callFailed(id, abi.encodeWithSignature("Error(string)", "not yet")));
        vm.prank(owner1);
        m.execute(id);
        assertFalse(m.getProposal(id).executed, "not executed");

        flaky.open();
        vm.prank(owner1);
        m.execute(id);
        assertTrue(m.getProposal(id).executed, "executed on retry");
        assertEq(flaky.pokes(), 1, "poked once");
    }

    function test_execute_approvalsBeyondThresholdStillExecuteOnce() public {
        uint256 id = proposeHit(owner1);
        approveAs(owner2, id);
        approveAs(owner3, id);
        assertEq(multisig.getProposal(id).approvals, 3, "three approvals");
        executeAs(owner2, id);
        vm.expectRevert(alreadyExecuted(id));
        executeAs(owner3, id);
        assertEq(target.hits(), 1, "once");
    }

    function test_execute_reentrantExecuteFromTargetIsRefused() public {
        // a target calling back into the multisig is not an owner, so it is refused like any stranger
        ReentrantTarget reentrant = new ReentrantTarget(multisig);
        vm.prank(owner1);
        uint256 id = multisig.propose(address(reentrant), abi.encodeCall(ReentrantTarget.reenter, (1)));
        approveAs(owner2, id);
        vm.expectRevert(callFailed(id, unauthorized(address(reentrant))));
        executeAs(owner1, id);
    }

    // ---------------------------------------------------------------- k-of-n

    /// @dev For any k-of-n (2 <= k <= n <= 8) and any order of `count` distinct approvers (the first proposes),
    /// execute refuses while approvals < k and succeeds exactly when distinct approvals >= k; repeated approvals by
    /// the same owner are refused and never count.
    function testFuzz_execute_succeedsExactlyWhenDistinctApprovalsReachThreshold(
        uint8 nSeed,
        uint8 kSeed,
        uint8 countSeed,
        uint256 orderSeed
    ) public {
        uint256 n = bound(nSeed, 2, 8);
        uint256 k = bound(kSeed, 2, n);
        uint256 count = bound(countSeed, 1, n);

        address[] memory owners = new address[](n);
        for (uint256 i = 0; i < n; i++) {
            owners[i] = vm.addr(0x8000 + i);
        }
        // casting to 'uint16' is safe because k <= 8
        // forge-lint: disable-next-line(unsafe-typecast)
        ConsortiumMultisig m = new ConsortiumMultisig(owners, uint16(k));

        // a seeded permutation of the owners: who proposes and who approves, in order
        uint256[] memory order = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            order[i] = i;
        }
        for (uint256 i = n - 1; i > 0; i--) {
            uint256 j = uint256(keccak256(abi.encode(orderSeed, i))) % (i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        vm.prank(owners[order[0]]);
        uint256 id = m.propose(address(target), hitCall);
        for (uint256 c = 1; c <= count; c++) {
            if (c > 1) {
                vm.prank(owners[order[c - 1]]);
                m.approve(id);
            }
            // an owner who already approved cannot add a second approval
            address again = owners[order[uint256(keccak256(abi.encode(orderSeed, "again", c))) % c]];
            vm.expectRevert(alreadyApproved(id, again));
            vm.prank(again);
            m.approve(id);
            assertEq(m.getProposal(id).approvals, c, "distinct approvals");
            if (c < k) {
                address executor = owners[uint256(keccak256(abi.encode(orderSeed, "exec", c))) % n];
                vm.expectRevert(notEnough(id, c, k));
                vm.prank(executor);
                m.execute(id);
            }
        }

        address finalExecutor = owners[orderSeed % n];
        if (count < k) vm.expectRevert(notEnough(id, count, k));
        vm.prank(finalExecutor);
        m.execute(id);
        assertEq(target.hits(), count >= k ? 1 : 0, "executed exactly when approvals >= k");
        assertTrue(m.getProposal(id).executed == (count >= k), "executed flag");
    }
}

/// @dev Fails until opened.
contract FlakyTarget {
    bool public isOpen;
    uint256 public pokes;

    function open() external {
        isOpen = true;
    }

    function poke() external {
        require(isOpen, "not yet");
        pokes++;
    }
}

/// @dev Calls back into the multisig from a proposed call.
contract ReentrantTarget {
    ConsortiumMultisig internal immutable multisig;

    constructor(ConsortiumMultisig multisig_) {
        multisig = multisig_;
    }

    function reenter(uint256 id) external {
        multisig.execute(id);
    }
}

/// @notice The full governance path against the real contracts: the multisig is the TimelockController's only
/// proposer and canceller, the timelock (anyone may execute a ready operation, no admin) holds the directory's roles.
contract ConsortiumMultisigGovernanceTest is MultisigBase {
    uint256 internal constant MIN_DELAY = 1 days;
    uint256 internal constant T0 = 1_700_000_000;

    ConsortiumMultisig internal multisig;
    TimelockController internal timelock;
    HospitalDirectory internal directory;

    address internal nodeA = vm.addr(0xA0);
    address internal nodeB = vm.addr(0xB0);
    address internal nodeC = vm.addr(0xC0);
    address internal attackerNode = vm.addr(0xBAD);
    uint32 internal hospitalA;
    uint32 internal hospitalB;

    bytes internal registerC;
    bytes32 internal constant SALT_C = keccak256("register hospital C");

    function setUp() public {
        vm.warp(T0);
        multisig = new ConsortiumMultisig(threeOwners(), 2);
        address[] memory proposers = new address[](1);
        proposers[0] = address(multisig);
        address[] memory executors = new address[](1);
        executors[0] = address(0);
        timelock = new TimelockController(MIN_DELAY, proposers, executors, address(0));
        directory = new HospitalDirectory(address(timelock));
        vm.label(address(multisig), "multisig");
        vm.label(address(timelock), "timelock");
        vm.label(address(directory), "HospitalDirectory");
        vm.label(owner1, "owner1");
        vm.label(owner2, "owner2");
        vm.label(owner3, "owner3");
        vm.label(outsider, "outsider");
        vm.label(attackerNode, "attackerNode");

        hospitalA = uint32(govern(
            abi.encodeCall(IHospitalDirectory.registerHospital, (nodeA, "Hospital A", "https://a.example/fhir")),
            keccak256("register hospital A")
        ));
        hospitalB = uint32(govern(
            abi.encodeCall(IHospitalDirectory.registerHospital, (nodeB, "Hospital B", "https://b.example/fhir")),
            keccak256("register hospital B")
        ));
        registerC = abi.encodeCall(IHospitalDirectory.registerHospital, (nodeC, "Hospital C", "https://c.example/fhir"));
    }

    // ---- helpers

    /// @dev The multisig's call to the timelock that schedules `directoryCall` on the directory.
    function scheduleOnDirectory(bytes memory directoryCall, bytes32 salt) internal view returns (bytes memory) {
        return abi.encodeCall(
            TimelockController.schedule, (address(directory), 0, directoryCall, bytes32(0), salt, MIN_DELAY)
        );
    }

    function operationOf(bytes memory directoryCall, bytes32 salt) internal view returns (bytes32) {
        return timelock.hashOperation(address(directory), 0, directoryCall, bytes32(0), salt);
    }

    function stateBitmap(TimelockController.OperationState state) internal pure returns (bytes32) {
        // the state's bit in OpenZeppelin's state bitmap
        // forge-lint: disable-next-line(incorrect-shift)
        return bytes32(1 << uint8(state));
    }

    function notReady(bytes32 operationId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            TimelockController.TimelockUnexpectedOperationState.selector,
            operationId,
            stateBitmap(TimelockController.OperationState.Ready)
        );
    }

    /// @dev owner1 proposes to the multisig that the timelock schedule `directoryCall`, owner2 approves, owner1
    /// executes (the timelock now holds it, pending).
    function multisigSchedule(bytes memory directoryCall, bytes32 salt) internal returns (uint256 proposalId) {
        vm.prank(owner1);
        proposalId = multisig.propose(address(timelock), scheduleOnDirectory(directoryCall, salt));
        vm.prank(owner2);
        multisig.approve(proposalId);
        vm.prank(owner1);
        multisig.execute(proposalId);
    }

    /// @dev The whole path: 2-of-3 schedule through the multisig, the delay, then anyone executes on the timelock.
    /// Returns the call's return value decoded as a uint256 (0 if none).
    function govern(bytes memory directoryCall, bytes32 salt) internal returns (uint256 result) {
        multisigSchedule(directoryCall, salt);
        vm.warp(block.timestamp + MIN_DELAY);
        vm.prank(outsider);
        timelock.execute(address(directory), 0, directoryCall, bytes32(0), salt);
        result = directory.hospitalCount();
    }

    // ---- roles

    function test_roles_multisigIsTheOnlyProposerAndCancellerAndTimelockHoldsDirectory() public view {
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(multisig)), "multisig proposes");
        assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), address(multisig)), "multisig cancels");
        assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)), "anyone executes a ready operation");
        assertTrue(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(timelock)), "timelock administers itself");
        address[5] memory keys = [owner1, owner2, owner3, outsider, address(this)];
        for (uint256 i = 0; i < keys.length; i++) {
            assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), keys[i]), "no key proposes");
            assertFalse(timelock.hasRole(timelock.CANCELLER_ROLE(), keys[i]), "no key cancels");
            assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), keys[i]), "no key administers the timelock");
            assertFalse(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), keys[i]), "no key is consortium admin");
            assertFalse(directory.hasRole(directory.DEFAULT_ADMIN_ROLE(), keys[i]), "no key administers the directory");
        }
        assertTrue(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), address(timelock)), "timelock admin");
        assertFalse(directory.hasRole(directory.CONSORTIUM_ADMIN_ROLE(), address(multisig)), "not the multisig");
        assertEq(hospitalA, 1, "A registered in setUp through governance");
        assertEq(hospitalB, 2, "B registered in setUp through governance");
    }

    // ---- the happy path

    function test_registerHospital_throughTwoOfThreeMultisigScheduleDelayAndTimelockExecute() public {
        bytes32 op = operationOf(registerC, SALT_C);

        vm.prank(owner1);
        uint256 id = multisig.propose(address(timelock), scheduleOnDirectory(registerC, SALT_C));
        assertFalse(timelock.isOperation(op), "nothing scheduled on proposal");
        vm.prank(owner2);
        multisig.approve(id);
        assertFalse(timelock.isOperation(op), "nothing scheduled on approval");

        vm.expectEmit(address(timelock));
        emit TimelockController.CallScheduled(op, 0, address(directory), 0, registerC, bytes32(0), MIN_DELAY);
        vm.prank(owner1);
        multisig.execute(id);
        assertTrue(timelock.isOperationPending(op), "pending");
        assertEq(timelock.getTimestamp(op), block.timestamp + MIN_DELAY, "ready after the delay");

        vm.warp(block.timestamp + MIN_DELAY);
        assertTrue(timelock.isOperationReady(op), "ready");
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.HospitalRegistered(3, nodeC, "Hospital C", "https://c.example/fhir");
        vm.prank(outsider);
        timelock.execute(address(directory), 0, registerC, bytes32(0), SALT_C);

        assertTrue(timelock.isOperationDone(op), "done");
        assertEq(directory.hospitalCount(), 3, "registered");
        assertEq(directory.hospitalOfNode(nodeC), 3, "node mapped");
    }

    function test_timelockExecute_revertsBeforeDelay() public {
        bytes32 op = operationOf(registerC, SALT_C);
        multisigSchedule(registerC, SALT_C);
        vm.warp(block.timestamp + MIN_DELAY - 1);
        vm.expectRevert(notReady(op));
        vm.prank(owner1);
        timelock.execute(address(directory), 0, registerC, bytes32(0), SALT_C);
        assertEq(directory.hospitalCount(), 2, "not registered");
    }

    function test_timelockExecute_onlyOnce() public {
        multisigSchedule(registerC, SALT_C);
        vm.warp(block.timestamp + MIN_DELAY);
        timelock.execute(address(directory), 0, registerC, bytes32(0), SALT_C);
        vm.expectRevert(notReady(operationOf(registerC, SALT_C)));
        timelock.execute(address(directory), 0, registerC, bytes32(0), SALT_C);
    }

    function test_multisigSchedule_withDelayBelowMinimumFailsWithTimelockReason() public {
        bytes memory shortSchedule = abi.encodeCall(
            TimelockController.schedule, (address(directory), 0, registerC, bytes32(0), SALT_C, MIN_DELAY - 1)
        );
        vm.prank(owner1);
        uint256 id = multisig.propose(address(timelock), shortSchedule);
        vm.prank(owner3);
        multisig.approve(id);
        vm.expectRevert(
            callFailed(
                id,
                abi.encodeWithSelector(TimelockController.TimelockInsufficientDelay.selector, MIN_DELAY - 1, MIN_DELAY)
            )
        );
        vm.prank(owner1);
        multisig.execute(id);
        assertFalse(timelock.isOperation(operationOf(registerC, SALT_C)), "nothing scheduled");
    }

    // ---- a single owner can do nothing

    function test_singleOwner_cannotScheduleOnTimelockDirectly() public {
        address[3] memory owners = [owner1, owner2, owner3];
        for (uint256 i = 0; i < owners.length; i++) {
            vm.expectRevert(accessDenied(owners[i], timelock.PROPOSER_ROLE()));
            vm.prank(owners[i]);
            timelock.schedule(address(directory), 0, registerC, bytes32(0), SALT_C, MIN_DELAY);
        }
        assertFalse(timelock.isOperation(operationOf(registerC, SALT_C)), "nothing scheduled");
    }

    function test_singleOwner_cannotGetMultisigToSchedule() public {
        vm.prank(owner1);
        uint256 id = multisig.propose(address(timelock), scheduleOnDirectory(registerC, SALT_C));
        vm.expectRevert(notEnough(id, 1, 2));
        vm.prank(owner1);
        multisig.execute(id);
        vm.expectRevert(alreadyApproved(id, owner1));
        vm.prank(owner1);
        multisig.approve(id);
        // nor by proposing the same schedule again: every proposal needs its own approvals
        vm.prank(owner1);
        uint256 again = multisig.propose(address(timelock), scheduleOnDirectory(registerC, SALT_C));
        vm.expectRevert(notEnough(again, 1, 2));
        vm.prank(owner1);
        multisig.execute(again);

        assertFalse(timelock.isOperation(operationOf(registerC, SALT_C)), "nothing scheduled");
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(notReady(operationOf(registerC, SALT_C)));
        timelock.execute(address(directory), 0, registerC, bytes32(0), SALT_C);
    }

    function test_singleOwner_cannotCallDirectoryDirectly() public {
        vm.expectRevert(
            abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, owner1)
        );
        vm.prank(owner1);
        directory.registerHospital(nodeC, "Hospital C", "u");
    }

    function test_singleOwner_cannotGrantItselfTimelockRoles() public {
        bytes32 proposerRole = timelock.PROPOSER_ROLE();
        vm.expectRevert(accessDenied(owner1, timelock.DEFAULT_ADMIN_ROLE()));
        vm.prank(owner1);
        timelock.grantRole(proposerRole, owner1);
        vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, owner1));
        vm.prank(owner1);
        timelock.updateDelay(0);
    }

    function test_multisig_cannotCallDirectoryWithoutTimelock() public {
        // two owners agreeing still go through the delay: the multisig itself holds no directory role
        vm.prank(owner1);
        uint256 id = multisig.propose(address(directory), registerC);
        vm.prank(owner2);
        multisig.approve(id);
        vm.expectRevert(
            callFailed(
                id,
                abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, address(multisig))
            )
        );
        vm.prank(owner1);
        multisig.execute(id);
    }

    // ---- cancel

    function test_cancel_throughTwoOfThreeMultisigProposalVetoesScheduledOperation() public {
        bytes32 op = operationOf(registerC, SALT_C);
        multisigSchedule(registerC, SALT_C);
        assertTrue(timelock.isOperationPending(op), "pending");

        vm.prank(owner3);
        uint256 id = multisig.propose(address(timelock), abi.encodeCall(TimelockController.cancel, (op)));
        vm.prank(owner2);
        multisig.approve(id);
        vm.expectEmit(address(timelock));
        emit TimelockController.Cancelled(op);
        vm.prank(owner3);
        multisig.execute(id);
        assertFalse(timelock.isOperation(op), "cancelled");

        vm.warp(block.timestamp + MIN_DELAY);
        vm.expectRevert(notReady(op));
        timelock.execute(address(directory), 0, registerC, bytes32(0), SALT_C);
        assertEq(directory.hospitalCount(), 2, "vetoed");
    }

    function test_cancel_revertsForSingleOwnerOnTimelockOrThroughMultisig() public {
        bytes32 op = operationOf(registerC, SALT_C);
        multisigSchedule(registerC, SALT_C);

        vm.expectRevert(accessDenied(owner3, timelock.CANCELLER_ROLE()));
        vm.prank(owner3);
        timelock.cancel(op);

        vm.prank(owner3);
        uint256 id = multisig.propose(address(timelock), abi.encodeCall(TimelockController.cancel, (op)));
        vm.expectRevert(notEnough(id, 1, 2));
        vm.prank(owner3);
        multisig.execute(id);
        assertTrue(timelock.isOperationPending(op), "still pending");
    }

    function test_cancel_ofDoneOperationFailsWithTimelockReason() public {
        bytes32 op = operationOf(registerC, SALT_C);
        govern(registerC, SALT_C);
        vm.prank(owner1);
        uint256 id = multisig.propose(address(timelock), abi.encodeCall(TimelockController.cancel, (op)));
        vm.prank(owner2);
        multisig.approve(id);
        bytes32 pendingStates = stateBitmap(TimelockController.OperationState.Waiting)
            | stateBitmap(TimelockController.OperationState.Ready);
        vm.expectRevert(
            callFailed(
                id,
                abi.encodeWithSelector(
                    TimelockController.TimelockUnexpectedOperationState.selector, op, pendingStates
                )
            )
        );
        vm.prank(owner1);
        multisig.execute(id);
    }

    // ---- the attack: one admin key takes over another hospital's node address

    /// @dev Rotating hospital B's node to an attacker's address would hand the attacker everything granted to B
    /// (its consents, its anchoring, its staff management). With the multisig as the timelock's only proposer, a
    /// single owner key gets nowhere by any route.
    function test_attack_singleAdminKeyCannotRotateAnotherHospitalsNodeAddress() public {
        bytes memory rotate = abi.encodeCall(IHospitalDirectory.rotateNodeAddress, (hospitalB, attackerNode));
        bytes32 salt = keccak256("take over B");
        bytes32 op = operationOf(rotate, salt);

        // 1. straight to the directory
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, owner1));
        vm.prank(owner1);
        directory.rotateNodeAddress(hospitalB, attackerNode);

        // 2. schedule on the timelock itself
        vm.expectRevert(accessDenied(owner1, timelock.PROPOSER_ROLE()));
        vm.prank(owner1);
        timelock.schedule(address(directory), 0, rotate, bytes32(0), salt, MIN_DELAY);

        // 3. through the multisig, alone
        vm.prank(owner1);
        uint256 id = multisig.propose(address(timelock), scheduleOnDirectory(rotate, salt));
        vm.expectRevert(notEnough(id, 1, 2));
        vm.prank(owner1);
        multisig.execute(id);
        vm.expectRevert(alreadyApproved(id, owner1));
        vm.prank(owner1);
        multisig.approve(id);

        // 4. execute on the timelock without a schedule, however long it waits
        vm.warp(block.timestamp + 30 days);
        vm.expectRevert(notReady(op));
        vm.prank(owner1);
        timelock.execute(address(directory), 0, rotate, bytes32(0), salt);

        // 5. as another hospital's node (an owner may also run hospital A)
        vm.expectRevert(abi.encodeWithSelector(IHospitalDirectory.HospitalDirectoryUnauthorized.selector, nodeA));
        vm.prank(nodeA);
        directory.rotateNodeAddress(hospitalB, attackerNode);

        assertEq(directory.getHospital(hospitalB).node, nodeB, "B keeps its node");
        assertEq(directory.hospitalOfNode(attackerNode), 0, "attacker has no hospital");
        assertEq(directory.hospitalOfNode(nodeB), hospitalB, "B's node still acts for B");
    }

    /// @dev The same rotation with k approvals and the delay does go through — which is why it must take k keys:
    /// the new address inherits hospital B outright — and during the delay a 2-of-3 veto can still stop it.
    function test_attack_rotationNeedsKApprovalsAndDelayAndCanBeVetoedMeanwhile() public {
        bytes memory rotate = abi.encodeCall(IHospitalDirectory.rotateNodeAddress, (hospitalB, attackerNode));
        bytes32 salt = keccak256("rotate B");
        bytes32 op = operationOf(rotate, salt);

        multisigSchedule(rotate, salt);
        vm.warp(block.timestamp + MIN_DELAY - 1);
        vm.expectRevert(notReady(op));
        timelock.execute(address(directory), 0, rotate, bytes32(0), salt);

        // vetoed during the delay by two owners
        vm.prank(owner2);
        uint256 veto = multisig.propose(address(timelock), abi.encodeCall(TimelockController.cancel, (op)));
        vm.prank(owner3);
        multisig.approve(veto);
        vm.prank(owner3);
        multisig.execute(veto);
        vm.warp(block.timestamp + 1);
        vm.expectRevert(notReady(op));
        timelock.execute(address(directory), 0, rotate, bytes32(0), salt);
        assertEq(directory.getHospital(hospitalB).node, nodeB, "vetoed");

        // scheduled again (a fresh 2-of-3) and left to run: the new node inherits hospital B
        bytes32 salt2 = keccak256("rotate B, agreed");
        multisigSchedule(rotate, salt2);
        vm.warp(block.timestamp + MIN_DELAY);
        vm.expectEmit(address(directory));
        emit IHospitalDirectory.NodeAddressRotated(hospitalB, nodeB, attackerNode);
        timelock.execute(address(directory), 0, rotate, bytes32(0), salt2);
        assertEq(directory.hospitalOfNode(attackerNode), hospitalB, "new node acts for B");
        assertEq(directory.hospitalOfNode(nodeB), 0, "old node does not");
    }
}
