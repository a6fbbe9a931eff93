// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ConsortiumMultisig
/// @notice A minimal k-of-n approval contract: the consortium timelock's only proposer, so that no single key can
/// schedule a consortium-admin call (registering or suspending a hospital, rotating its node address). Any owner
/// proposes a call; once `threshold` distinct owners approved it, any owner executes it, once. Owners and threshold
/// are fixed at deployment (k >= 2, k <= n): to change them, deploy a new multisig and have the timelock grant it the
/// proposer role, itself a k-of-n, timelocked operation.
contract ConsortiumMultisig {
    /// @notice The version of the consortium's contracts this belongs to.
    uint256 public constant VERSION = 2;

    /// @notice A proposed call and its approvals.
    struct Proposal {
        address target;
        uint16 approvals;
        bool executed;
        bytes data;
    }

    event Proposed(uint256 indexed id, address indexed proposer, address indexed target, bytes data);
    event Approved(uint256 indexed id, address indexed owner, uint16 approvals);
    event Executed(uint256 indexed id);

    /// @notice The caller is not an owner.
    error MultisigUnauthorized(address caller);
    /// @notice Owners must be distinct and non-zero, and 2 <= threshold <= owners.
    error MultisigInvalidConfig(uint256 owners, uint256 threshold);
    /// @notice No proposal has this id.
    error MultisigUnknownProposal(uint256 id);
    /// @notice The owner approved this proposal before.
    error MultisigAlreadyApproved(uint256 id, address owner);
    /// @notice The proposal has fewer approvals than the threshold.
    error MultisigNotEnoughApprovals(uint256 id, uint16 approvals, uint16 threshold);
    /// @notice The proposal was executed before.
    error MultisigAlreadyExecuted(uint256 id);
    /// @notice A proposal's target must be a contract.
    error MultisigInvalidTarget(address target);
    /// @notice The proposed call reverted; `reason` is its revert data.
    error MultisigCallFailed(uint256 id, bytes reason);

    uint16 public immutable threshold;
    address[] private _owners;
    mapping(address owner => bool) public isOwner;
    uint256 public proposalCount;
    mapping(uint256 id => Proposal) private _proposals;
    mapping(uint256 id => mapping(address owner => bool)) public approvedBy;

    constructor(address[] memory owners_, uint16 threshold_) {
        if (threshold_ < 2 || threshold_ > owners_.length) revert MultisigInvalidConfig(owners_.length, threshold_);
        for (uint256 i = 0; i < owners_.length; i++) {
            address owner = owners_[i];
            if (owner == address(0) || isOwner[owner]) revert MultisigInvalidConfig(owners_.length, threshold_);
            isOwner[owner] = true;
        }
        _owners = owners_;
        threshold = threshold_;
    }

    /// @notice Proposes `target.call(data)`, approved by the proposer.
    function propose(address target, bytes calldata data) external returns (uint256 id) {
        _requireOwner();
        if (target.code.length == 0) revert MultisigInvalidTarget(target);
        id = ++proposalCount;
        _proposals[id] = Proposal(target, 0, false, data);
        emit Proposed(id, msg.sender, target, data);
        _approve(id);
    }

    /// @notice Approves proposal `id`, once per owner.
    function approve(uint256 id) external {
        _requireOwner();
        if (_proposals[id].target == address(0)) revert MultisigUnknownProposal(id);
        _approve(id);
    }

    /// @notice Executes proposal `id` once it has `threshold` approvals; reverts with the call's reason if it fails.
    function execute(uint256 id) external {
        _requireOwner();
        Proposal storage proposal = _proposals[id];
        if (proposal.target == address(0)) revert MultisigUnknownProposal(id);
        if (proposal.executed) revert MultisigAlreadyExecuted(id);
        if (proposal.approvals < threshold) revert MultisigNotEnoughApprovals(id, proposal.approvals, threshold);
        proposal.executed = true;
        (bool ok, bytes memory reason) = proposal.target.call(proposal.data);
        if (!ok) revert MultisigCallFailed(id, reason);
        emit Executed(id);
    }

    /// @notice The proposal (all zero if unknown).
    function getProposal(uint256 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    /// @notice The owners, in deployment order.
    function owners() external view returns (address[] memory) {
        return _owners;
    }

    function _approve(uint256 id) private {
        if (approvedBy[id][msg.sender]) revert MultisigAlreadyApproved(id, msg.sender);
        if (_proposals[id].executed) revert MultisigAlreadyExecuted(id);
        approvedBy[id][msg.sender] = true;
        uint16 approvals = ++_proposals[id].approvals;
        emit Approved(id, msg.sender, approvals);
    }

    function _requireOwner() private view {
        if (!isOwner[msg.sender]) revert MultisigUnauthorized(msg.sender);
    }
}
