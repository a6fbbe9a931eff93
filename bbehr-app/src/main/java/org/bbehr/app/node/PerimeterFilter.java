package org.bbehr.app.node;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The node's perimeter, before any request reaches the FHIR server or the management endpoints:
 * <ul>
 *   <li>a request names one of the node's own host names in {@code Host} (loopback names and
 *       {@code bbehr.http.allowed-hosts}), else 421: a web page whose name was rebound to the node's address
 *       (DNS rebinding) sends its own name;
 *   <li>a request a browser made for another site's page is refused with 403, whatever its method: one whose
 *       {@code Origin} is not on one of the node's host names, or, without an {@code Origin}, whose
 *       {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site}. A cross-site form post would otherwise
 *       reach the records and operations such as {@code $verify};
 *   <li>a management call that changes state (a non-GET under {@code /actuator/}) needs the header
 *       {@value #MANAGEMENT_HEADER}, which a browser sends cross-site only after a CORS preflight the node never
 *       allows.
 * </ul>
 * Clients that are not browsers send none of the browser headers and are not affected.
 */
public final class PerimeterFilter extends OncePerRequestFilter {

    public static final String MANAGEMENT_HEADER = "X-BbEHR-Management";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Set<String> allowedHosts;

    /** @param configured host names the node is reached by besides the loopback ones (case does not matter) */
    public PerimeterFilter(Collection<String> configured) {
        Set<String> hosts = new TreeSet<>(LOOPBACK);
        configured.stream().map(PerimeterFilter::normalised).filter(h -> !h.isEmpty()).forEach(hosts::add);
        this.allowedHosts = Set.copyOf(hosts);
    }

    /** The perimeter of a node: its configured host names and {@code server.address} unless it is a wildcard. */
    static PerimeterFilter of(NodeProperties properties, String serverAddress) {
        List<String> hosts = new ArrayList<>(properties.http().allowedHosts());
        if (!serverAddress.isBlank() && !serverAddress.equals("0.0.0.0") && !serverAddress.equals("::")) {
            hosts.add(serverAddress);
        }
        return new PerimeterFilter(hosts);
    }

    /** The host names the node answers to. */
    Set<String> allowedHosts() {
        return allowedHosts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String host = request.getHeader("Host");
        if (host != null && !allowedHosts.contains(hostOf(host))) {
            refuse(request, response, 421, "not-found", "this node does not answer to the host name in the request;"
                    + " add it to bbehr.http.allowed-hosts if it is the node's own");
            return;
        }
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        boolean fromAnotherPage = fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin")
                && !fetchSite.equalsIgnoreCase("none");
        String origin = request.getHeader("Origin");
        if (origin != null ? !allowedOrigin(origin) : fromAnotherPage) {
            refuse(request, response, 403, "forbidden", "requests from another site's pages are refused");
            return;
        }
        if (request.getRequestURI().startsWith("/actuator/") && !SAFE_METHODS.contains(request.getMethod())
                && isBlank(request.getHeader(MANAGEMENT_HEADER))) {
            refuse(request, response, 403, "forbidden", "a management call that changes state needs the header "
                    + MANAGEMENT_HEADER);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean allowedOrigin(String origin) {
        try {
            URI uri = new URI(origin.strip());
            return uri.getHost() != null && allowedHosts.contains(normalised(uri.getHost()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The host of a {@code Host} header: without its port, IPv6 brackets, case or a trailing dot. */
    static String hostOf(String header) {
        String value = header.strip();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? "" : normalised(value.substring(1, end));
        }
        int colon = value.indexOf(':');
        return normalised(colon < 0 ? value : value.substring(0, colon));
    }

    private static String normalised(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String code,
            String message) throws IOException {
        response.setStatus(status);
        String body;
        if (request.getRequestURI().startsWith("/fhir")) {
            response.setContentType("application/fhir+json");
            body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
                    + "\",\"diagnostics\":\"" + message + "\"}]}";
        } else {
            response.setContentType("application/problem+json");
            body = "{\"type\":\"about:blank\",\"status\":" + status + ",\"detail\":\"" + message + "\"}";
        }
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
