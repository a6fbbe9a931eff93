// Checks one record version on chain with nothing but its $proof Parameters and a JSON-RPC endpoint of the
// consortium chain; it trusts neither the node nor this project's code. See docs/verify.md.
//
//   node verify-record.mjs proof.json RPC_URL [RECORD_ANCHOR_ADDRESS]
//
// Needs Node 18+ and js-sha3 in the current folder (npm i js-sha3; in this project, run it from contracts/). Take the
// RecordAnchor address from the consortium's deployment file; the one in proof.json is only what the node says.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.cwd() + "/"); // js-sha3 from where you run it
const { keccak256 } = require("js-sha3");
const [file, rpc, anchorAddress] = process.argv.slice(2);
const parameters = JSON.parse(readFileSync(file, "utf8")).parameter;
const one = (name) => {
  const found = parameters.find((p) => p.name === name);
  return found && (found.valueString ?? found.valueInteger ?? found.valueBase64Binary);
};
const bytes = (hex) => Buffer.from(hex.replace(/^0x/, ""), "hex");
const word = (n) => BigInt(n).toString(16).padStart(64, "0");
const padded = (buf) => buf.toString("hex") + "00".repeat((32 - (buf.length % 32)) % 32);

// content hash = keccak256(salt ‖ stored bytes)
const content = Buffer.from(one("content"), "base64");
const contentHash = keccak256(Buffer.concat([bytes(one("salt")), content]));

// leaf = keccak256(keccak256(abi.encode(uint8 kind, uint32 hospitalId, string type, string id, uint64 version,
// bytes32 contentHash))), kind 0: a record version (whatever the node says, so no other kind of leaf can pass for one)
const RECORD_VERSION = 0;
const type = Buffer.from(one("type"), "utf8");
const id = Buffer.from(one("id"), "utf8");
const typeTail = 32 + Math.ceil(type.length / 32) * 32;
const encoded = word(RECORD_VERSION) + word(one("hospitalId")) + word(192) + word(192 + typeTail) + word(one("version"))
  + contentHash + word(type.length) + padded(type) + word(id.length) + padded(id);
const leaf = keccak256(bytes(keccak256(bytes(encoded))));

// RecordAnchor.verify(uint32 hospitalId, bytes32 root, bytes32[] proof, bytes32 leaf), selector 0x973616e0: reverts
// unless that hospital anchored the root and the proof leads from the leaf to it; returns (uint40 anchoredAt,
// uint32 leafCount). The leaf names the hospital too, so it verifies under no other hospital's root.
const proof = parameters.filter((p) => p.name === "proof").map((p) => p.valueString.slice(2));
const data = "0x973616e0" + word(one("hospitalId")) + one("root").slice(2) + word(128) + leaf + word(proof.length)
  + proof.join("");
const response = await fetch(rpc, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call",
    params: [{ to: anchorAddress ?? one("recordAnchor"), data }, "latest"] }),
});
const { result, error } = await response.json();
if (error || !result || result.length < 130) {
  console.log("NOT VERIFIED: the chain refused the proof (root not anchored by this hospital, or wrong proof): "
    + JSON.stringify(error));
  process.exit(1);
}
const anchoredBy = Number(one("hospitalId"));
const anchoredAt = new Date(Number(BigInt("0x" + result.slice(2, 66))) * 1000).toISOString();
console.log(`VERIFIED: ${one("type")}/${one("id")} version ${one("version")}, content hash 0x${contentHash}, `
  + `anchored by hospital ${anchoredBy} at ${anchoredAt} under root ${one("root")}`);
