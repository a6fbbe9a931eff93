package org.bbehr.app.fhir;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over the configured size with 413 and an OperationOutcome: at once when the declared
 * length is too large, and while reading a body sent without a length (chunked). A gzip-encoded body is inflated here,
 * and its inflated bytes are bounded by the same limit (HAPI would otherwise inflate it without bound, so a few
 * kilobytes of gzip could fill the heap); other content encodings get 415.
 */
public final class BodySizeLimitFilter extends OncePerRequestFilter {

    /** Thrown by the counting stream; {@link ErrorTranslation} answers it with 413. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("the request body exceeds the limit of " + limit + " bytes");
        }
    }

    /** Thrown while inflating a body declared gzip that is not; {@link ErrorTranslation} answers it with 400. */
    static final class BadEncodingException extends IOException {
        BadEncodingException() {
            super("the request body is declared gzip-encoded (Content-Encoding: gzip) but is not valid gzip");
        }
    }

    /**
     * The request attribute that holds the {@link BodyTooLargeException} or {@link BadEncodingException} a read of the
     * body failed with: HAPI turns a failed read into a 400 that drops its cause, and {@link ErrorTranslation} answers
     * from this instead.
     */
    static final String FAILURE = BodySizeLimitFilter.class.getName() + ".failure";
    private static final String CONTENT_ENCODING = "Content-Encoding";
    private static final Set<String> GZIP = Set.of("gzip", "x-gzip");

    private final long maxBytes;

    public BodySizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            refuse(response, 413, "too-costly", "the request body exceeds the limit of " + maxBytes + " bytes");
            return;
        }
        String encoding = request.getHeader(CONTENT_ENCODING);
        if (encoding == null || encoding.isBlank() || encoding.strip().equalsIgnoreCase("identity")) {
            chain.doFilter(new LimitedRequest(request, maxBytes), response);
        } else if (GZIP.contains(encoding.strip().toLowerCase(Locale.ROOT))) {
            chain.doFilter(new InflatedRequest(request, maxBytes), response);
        } else {
            refuse(response, 415, "not-supported", "the content encoding of the request body is not supported:"
                    + " send it as it is or gzip-compressed (Content-Encoding: gzip)");
        }
    }

    private static void refuse(HttpServletResponse response, int status, String code, String diagnostics)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/fhir+json");
        response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
                + "\"error\",\"code\":\"" + code + "\",\"diagnostics\":\"" + diagnostics + "\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A gzip-encoded request as HAPI sees it: the inflated body, bounded like a raw one, and no Content-Encoding or
     * Content-Length, so that HAPI reads the body as it is.
     */
    private static final class InflatedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        InflatedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Reporting(new CountingStream(new Inflated(new CountingStream(super.getInputStream(),
                        limit)), limit), this);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(), encoding));
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }

        @Override
        public int getContentLength() {
            return -1;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }

        private static boolean hidden(String name) {
            return CONTENT_ENCODING.equalsIgnoreCase(name) || "Content-Length".equalsIgnoreCase(name);
        }
    }

    /**
     * The inflated body of {@code raw} (whose bytes count against the limit before they are inflated); a body that is
     * not gzip fails with {@link BadEncodingException}.
     */
    private static final class Inflated extends ServletInputStream {
        private final ServletInputStream raw;
        private InputStream in;
        private boolean finished;

        Inflated(ServletInputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                if (in == null) {
                    in = new GZIPInputStream(raw);
                }
                int n = in.read(buffer, offset, length);
                finished = n < 0;
                return n;
            } catch (BodyTooLargeException e) {
                throw e;
            } catch (IOException e) {
                throw new BadEncodingException();
            }
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return raw.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            raw.setReadListener(listener);
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Reporting(new CountingStream(super.getInputStream(), limit), this);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(), encoding));
        }
    }

    /** Keeps the failure of a read in the request's {@link #FAILURE} attribute before passing it on. */
    private static final class Reporting extends ServletInputStream {
        private final ServletInputStream in;
        private final HttpServletRequest request;

        Reporting(ServletInputStream in, HttpServletRequest request) {
            this.in = in;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (BodyTooLargeException | BadEncodingException e) {
                request.setAttribute(FAILURE, e);
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return in.read(buffer, offset, length);
            } catch (BodyTooLargeException | BadEncodingException e) {
                request.setAttribute(FAILURE, e);
                throw e;
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
