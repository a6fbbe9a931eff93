package org.bbehr.core.ledger;

import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** A contract refused a call: the decoded custom error, its name and its arguments. */
public class LedgerRevertException extends BbehrException {

    private final String errorName;
    private final List<Object> arguments;

    public LedgerRevertException(ErrorCode code, String errorName, List<Object> arguments) {
        super(code, "the contract refused the call: " + errorName + arguments.toString().replace('[', '(').replace(']', ')'));
        this.errorName = errorName;
        this.arguments = List.copyOf(arguments);
    }

    public String errorName() {
        return errorName;
    }

    public List<Object> arguments() {
        return arguments;
    }
}
