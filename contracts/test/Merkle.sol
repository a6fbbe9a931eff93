// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Builds sorted-pair Merkle trees (OpenZeppelin `MerkleProof` convention) in tests, independently of the
/// library the contract uses. An odd node at the end of a layer is promoted to the next layer unchanged.
library Merkle {
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        require(leaves.length > 0, "Merkle: no leaves");
        bytes32[] memory layer = _copy(leaves);
        uint256 n = layer.length;
        while (n > 1) {
            n = _nextLayer(layer, n);
        }
        return layer[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory path) {
        require(index < leaves.length, "Merkle: index out of range");
        bytes32[] memory layer = _copy(leaves);
        path = new bytes32[](64);
        uint256 length;
        uint256 n = layer.length;
        while (n > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < n) path[length++] = layer[sibling];
            n = _nextLayer(layer, n);
            index >>= 1;
        }
        assembly ("memory-safe") {
            mstore(path, length)
        }
    }

    /// @dev Recomputes a root from a leaf and a proof, as `MerkleProof.processProof` does.
    function process(bytes32[] memory path, bytes32 leaf) internal pure returns (bytes32 computed) {
        computed = leaf;
        for (uint256 i = 0; i < path.length; i++) {
            computed = hashPair(computed, path[i]);
        }
    }

    function _nextLayer(bytes32[] memory layer, uint256 n) private pure returns (uint256) {
        uint256 pairs = n / 2;
        for (uint256 i = 0; i < pairs; i++) {
            layer[i] = hashPair(layer[2 * i], layer[2 * i + 1]);
        }
        if (n % 2 == 1) layer[pairs] = layer[n - 1];
        return (n + 1) / 2;
    }

    function _copy(bytes32[] memory source) private pure returns (bytes32[] memory copy) {
        copy = new bytes32[](source.length);
        for (uint256 i = 0; i < source.length; i++) {
            copy[i] = source[i];
        }
    }
}
