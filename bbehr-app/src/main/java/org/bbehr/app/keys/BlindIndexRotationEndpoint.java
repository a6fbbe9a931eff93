package org.bbehr.app.keys;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bbehr.core.BbehrException;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/blind-index-rotation}: {@code GET} tells how the latest blind-index key rotation stands,
 * {@code POST} starts one (202), or reports the one running (200), or refuses when the keys cannot be rotated in
 * place (409). What {@code bbehr keys rotate-index} talks to. The body names no key, token or value:
 * <pre>{"run":1,"state":"running","done":1200,"total":5000,"unreadable":0}</pre>
 */
@WebEndpoint(id = "blindIndexRotation")
public final class BlindIndexRotationEndpoint {

    private final BlindIndexRotator rotator;

    public BlindIndexRotationEndpoint(BlindIndexRotator rotator) {
        this.rotator = rotator;
    }

    @ReadOperation
    public Map<String, Object> status() {
        return body(rotator.status(), null);
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> start() {
        try {
            boolean started = rotator.start();
            return new WebEndpointResponse<>(body(rotator.status(), null),
                    started ? 202 : WebEndpointResponse.STATUS_OK);
        } catch (BbehrException e) {
            return new WebEndpointResponse<>(body(rotator.status(), e.describe()), 409);
        }
    }

    private static Map<String, Object> body(BlindIndexRotator.Status status, String refusal) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", status.run());
        body.put("state", status.state().name().toLowerCase(Locale.ROOT));
        body.put("done", status.done());
        body.put("total", status.total());
        body.put("unreadable", status.unreadable());
        String error = refusal != null ? refusal : status.error();
        if (error != null) {
            body.put("error", error);
        }
        return body;
    }
}
