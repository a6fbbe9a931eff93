package org.bbehr.ledger;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Hex;
import org.bbehr.core.ledger.LedgerRevertException;
import org.bbehr.ledger.contracts.ConsentRegistry;
import org.bbehr.ledger.contracts.ConsortiumMultisig;
import org.bbehr.ledger.contracts.HospitalDirectory;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.bbehr.ledger.contracts.TimelockController;
import org.web3j.abi.CustomErrorEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.CustomError;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.Response;

/**
 * Turns revert data into a {@link LedgerRevertException}: the contracts' custom errors (taken from the generated
 * wrappers, so a new error is known as soon as it is compiled), {@code Error(string)} and {@code Panic(uint256)}.
 */
final class RevertDecoder {

    private static final CustomError ERROR_STRING =
            new CustomError("Error", List.of(new TypeReference<Utf8String>() {}));
    private static final CustomError PANIC = new CustomError("Panic", List.of(new TypeReference<Uint256>() {}));
    private static final Pattern HEX_DATA = Pattern.compile("0x[0-9a-fA-F]{8,}");

    private final Map<String, CustomError> bySelector = new HashMap<>();

    RevertDecoder() {
        for (Class<?> wrapper : List.of(
                HospitalDirectory.class, ConsentRegistry.class, RecordAnchor.class, TimelockController.class,
                ConsortiumMultisig.class)) {
            for (Field field : wrapper.getFields()) {
                if (field.getType() == CustomError.class && Modifier.isStatic(field.getModifiers())) {
                    register((CustomError) read(field));
                }
            }
        }
        register(ERROR_STRING);
        register(PANIC);
    }

    /** The custom errors this decoder knows, by name. */
    List<String> knownErrors() {
        return bySelector.values().stream().map(CustomError::getName).sorted().toList();
    }

    /** Decodes a JSON-RPC error of a call or gas estimate, if it carries revert data. */
    Optional<LedgerRevertException> decode(Response.Error error) {
        return findRevertData(error).map(this::decode);
    }

    LedgerRevertException decode(String revertData) {
        String hex = revertData.startsWith("0x") ? revertData.substring(2) : revertData;
        if (hex.length() < 8) {
            return new LedgerRevertException(ErrorCode.LEDGER_REVERTED, "revert without reason", List.of());
        }
        CustomError error = bySelector.get(hex.substring(0, 8).toLowerCase());
        if (error == null) {
            return new LedgerRevertException(ErrorCode.LEDGER_REVERTED, "unknown error 0x" + hex.substring(0, 8),
                    List.of(Hex.encode(Hex.decode(hex.substring(8)))));
        }
        List<Object> arguments = FunctionReturnDecoder.decode(hex.substring(8), error.getParameters()).stream()
                .map(RevertDecoder::plain)
                .toList();
        ErrorCode code = ErrorCode.findByContractError(error.getName()).orElse(ErrorCode.LEDGER_REVERTED);
        return new LedgerRevertException(code, error.getName(), arguments);
    }

    private static Optional<String> findRevertData(Response.Error error) {
        String data = error.getData();
        if (data != null) {
            Matcher matcher = HEX_DATA.matcher(data);
            if (matcher.find()) {
                return Optional.of(matcher.group());
            }
            if (data.equals("0x")) {
                return Optional.of(data);
            }
        }
        String message = String.valueOf(error.getMessage());
        if (message.contains("revert")) {
            Matcher matcher = HEX_DATA.matcher(message);
            return Optional.of(matcher.find() ? matcher.group() : "0x");
        }
        return Optional.empty();
    }

    private static Object plain(Type<?> value) {
        Object plain = value.getValue();
        if (plain instanceof byte[] bytes) {
            return Hex.encode(bytes);
        }
        if (plain instanceof BigInteger number && number.bitLength() < 63) {
            return number.longValue();
        }
        return plain;
    }

    private void register(CustomError error) {
        String selector = CustomErrorEncoder.encode(error).substring(2, 10).toLowerCase();
        bySelector.put(selector, error);
    }

    private static Object read(Field field) {
        try {
            return field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
