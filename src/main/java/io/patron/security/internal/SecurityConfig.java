package io.patron.security.internal;

import io.patron.common.Problems;
import io.patron.partners.Partners;
import io.patron.security.AdminUsers;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import io.patron.stores.Stores;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Four doors, each with its own rules. The API (tills, partners, scripts) is stateless: a bearer key or
 * HTTP Basic on every request, no cookies, no CSRF. The member portal, the partner portal and the admin
 * UI are session-based with CSRF protection on every form; each keeps its login under its own session key.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@ConditionalOnWebApplication
class SecurityConfig {

    static final String ADMIN_SESSION_KEY = "PATRON_ADMIN_SECURITY_CONTEXT";
    static final String PARTNER_SESSION_KEY = "PATRON_PARTNER_SECURITY_CONTEXT";

    /**
     * Spring Security would otherwise wrap every filter of every request in an observation, which
     * costs more CPU than the rest of a till request together. HTTP request metrics stay on.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, Stores stores, AdminUsers adminUsers, Partners partners,
                           io.patron.common.SignInGuard signInGuard) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            if (io.patron.common.DatabaseUnavailable.cause(e)) {
                // The credentials could not be checked: the database is away, not the caller wrong.
                Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "DATABASE_UNAVAILABLE", "The service is briefly unavailable; retry in a moment.",
                        java.util.Map.of("Retry-After", io.patron.common.DatabaseUnavailable.RETRY_AFTER_SECONDS));
                return;
            }
            Problems.write(response, HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", "Send a till key or admin token as a Bearer, or admin Basic credentials.",
                    java.util.Map.of("WWW-Authenticate", "Bearer realm=\"patron\""));
        };
        AccessDeniedHandler denied = (request, response, e) -> Problems.write(response, HttpStatus.FORBIDDEN,
                "FORBIDDEN", "This key or user may not do that.");
        http.securityMatcher("/api/**", "/actuator/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new ApiKeyAuthenticationFilter(stores, adminUsers, partners), BasicAuthenticationFilter.class)
                .addFilterBefore(new BasicSignInGuard(signInGuard), BasicAuthenticationFilter.class)
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        // The till's hot paths are authorised here rather than per method: the same
                        // rule, without the cost of method security on every sale.
                        .requestMatchers(HttpMethod.POST, "/api/v1/purchases", "/api/v1/purchases/quote",
                                "/api/v1/purchases/*/returns", "/api/v1/purchases/redemption-codes").hasRole("TILL")
                        // A partner key opens the partner API and nothing else.
                        .requestMatchers("/api/v1/partner/**").hasRole("PARTNER")
                        // The programme's terms are public, as the page is.
                        .requestMatchers(HttpMethod.GET, "/api/v1/terms", "/api/v1/terms/history").permitAll()
                        .anyRequest().access((authentication, context) -> new AuthorizationDecision(notPartner(authentication.get()))));
        return http.build();
    }

    /**
     * Pages load scripts, styles and images from Patron only (inline styles allowed, for e-mail previews;
     * no inline script anywhere), may not be framed, and send the referrer only to Patron.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static void pageHeaders(org.springframework.security.config.annotation.web.configurers.HeadersConfigurer<HttpSecurity> h) {
        h.referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                .contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY));
    }

    private static boolean notPartner(Authentication authentication) {
        return authentication != null && authentication.isAuthenticated() && !(authentication instanceof AnonymousAuthenticationToken)
                && authentication.getAuthorities().stream().noneMatch(a -> "ROLE_PARTNER".equals(a.getAuthority()));
    }

    @Bean
    @Order(2)
    SecurityFilterChain portal(HttpSecurity http, io.patron.security.MemberSessions sessions, io.patron.members.Members members)
            throws Exception {
        // A member blocked, merged away or erased is signed out at their next request.
        RecheckedContexts contexts = new RecheckedContexts(sessions.contextRepository(), io.patron.security.MemberSessions.SESSION_KEY,
                a -> a.getPrincipal() instanceof io.patron.common.Caller.Member m
                        && members.find(new io.patron.members.MemberId(m.memberId())).filter(io.patron.members.Member::active).isPresent()
                        ? java.util.Optional.of(a) : java.util.Optional.empty());
        http.securityMatcher("/portal/**")
                .securityContext(c -> c.securityContextRepository(contexts))
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/portal/login")))
                .headers(SecurityConfig::pageHeaders)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/portal/login", "/portal/login/**", "/portal/signup", "/portal/auth",
                                "/portal/check-mail").permitAll()
                        .anyRequest().hasRole("MEMBER"));
        return http.build();
    }

    /**
     * The partner portal: a partner's people sign in with their own user name and password (not admin
     * accounts) and see their partner's statements and activity only.
     */
    @Bean
    @Order(3)
    SecurityFilterChain partnerPortal(HttpSecurity http, Partners partners) throws Exception {
        HttpSessionSecurityContextRepository stored = new HttpSessionSecurityContextRepository();
        stored.setSpringSecurityContextKey(PARTNER_SESSION_KEY);
        // A partner user disabled (or a partner suspended) is signed out at the next request.
        RecheckedContexts contexts = new RecheckedContexts(stored, PARTNER_SESSION_KEY,
                a -> a.getPrincipal() instanceof io.patron.common.Caller.Partner p && p.user() != null && partners.userMaySignIn(p.user())
                        ? java.util.Optional.of(a) : java.util.Optional.empty());
        AuthenticationProvider provider = new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                return partners.signIn(authentication.getName(), String.valueOf(authentication.getCredentials()))
                        .map(p -> (Authentication) UsernamePasswordAuthenticationToken.authenticated(p, null,
                                java.util.List.of(new SimpleGrantedAuthority("ROLE_PARTNER_USER"))))
                        .orElseThrow(() -> new BadCredentialsException("bad credentials"));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
        http.securityMatcher("/partner", "/partner/**")
                .securityContext(c -> c.securityContextRepository(contexts))
                .authenticationManager(new ProviderManager(provider))
                .formLogin(form -> form.loginPage("/partner/login").loginProcessingUrl("/partner/login")
                        .defaultSuccessUrl("/partner", true).failureUrl("/partner/login?error").permitAll())
                .logout(logout -> logout.logoutUrl("/partner/logout").logoutSuccessUrl("/partner/login?logout")
                        .invalidateHttpSession(false))
                .headers(SecurityConfig::pageHeaders)
                .authorizeHttpRequests(auth -> auth.anyRequest().hasRole("PARTNER_USER"));
        return http.build();
    }

    @Bean
    @Order(4)
    SecurityFilterChain admin(HttpSecurity http, AdminUserRepository users,
                              @org.springframework.beans.factory.annotation.Value("${patron.api-docs.public:true}") boolean publicApiDocs)
            throws Exception {
        String[] apiDocs = {"/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"};
        HttpSessionSecurityContextRepository stored = new HttpSessionSecurityContextRepository();
        stored.setSpringSecurityContextKey(ADMIN_SESSION_KEY);
        // A user disabled, given other roles or a new password is signed out at the next request (the
        // stored session version moved on).
        RecheckedContexts contexts = new RecheckedContexts(stored, ADMIN_SESSION_KEY,
                a -> a.getPrincipal() instanceof AdminUserDetails d
                        && users.sessionVersion(d.user().id()).filter(v -> v == d.sessionVersion()).isPresent()
                        ? java.util.Optional.of(a) : java.util.Optional.empty());
        http.securityContext(c -> c.securityContextRepository(contexts))
                // RFC 8058: a mail client's one-click unsubscribe is a POST without a CSRF token; the signed link is the authority.
                .csrf(csrf -> csrf.ignoringRequestMatchers("/mail/unsubscribe/**", "/sms/reports/**"))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/admin", true).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout")
                        // Keep the session: a member signed in to the portal in the same browser stays signed in.
                        .invalidateHttpSession(false))
                .headers(SecurityConfig::pageHeaders)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/", "/login", "/error", "/css/**", "/js/**", "/img/**", "/webjars/**",
                                "/favicon.ico").permitAll()
                        // The API description is the published contract integrators generate clients from: public
                        // by default; patron.api-docs.public=false keeps it to signed-in staff.
                        .requestMatchers(apiDocs).access((authentication, context) -> new AuthorizationDecision(publicApiDocs
                                || authentication.get() != null && authentication.get().isAuthenticated()
                                && !(authentication.get() instanceof AnonymousAuthenticationToken)))
                        // A draw's public page, its JSON and its ticket list: anyone may check a draw.
                        .requestMatchers(HttpMethod.GET, "/draws/**").permitAll()
                        // The programme's terms and their history: public, like the programme itself.
                        .requestMatchers(HttpMethod.GET, "/terms", "/terms/history").permitAll()
                        // Feedback forms: a signed e-mail link or a store's public page, answered without signing in.
                        .requestMatchers("/feedback/**").permitAll()
                        // A member's mail links (unsubscribe, preferences): signed, answered without signing in.
                        .requestMatchers("/mail/**").permitAll()
                        // An SMS gateway's delivery reports: the secret token in the path is the authority.
                        .requestMatchers("/sms/reports/**").permitAll()
                        .requestMatchers("/admin/**").hasAnyRole("ADMIN", "MARKETER", "SUPPORT", "ANALYST")
                        .anyRequest().denyAll());
        return http.build();
    }
}
