package org.bbehr.app.node;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * The perimeter on the management port too: its server is its own, and the FHIR port's filters do not reach it; a page
 * rebound to 127.0.0.1 could otherwise read the health details and metrics there, or post to it.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementPerimeterConfiguration {

    @Bean
    FilterRegistrationBean<PerimeterFilter> managementPerimeter(NodeProperties properties,
            @Value("${server.address:}") String address) {
        var registration = new FilterRegistrationBean<>(PerimeterFilter.of(properties, address));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
