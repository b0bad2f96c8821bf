package dev.aqid.receiver.system;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.Cookie;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.logout.CookieClearingLogoutHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;

/**
 * Three filter chains.
 * <ul>
 * <li>{@code /webhooks/**}: open. Amiqus authenticates each delivery with its HMAC
 * signature (checked by the ingest module) and can send neither a CSRF token nor an API
 * key; this chain keeps only Spring Security's header writing, so the hot path pays
 * almost nothing. The demo's Amiqus emulator ({@code /emulator/**}, served only in demo
 * mode) shares it: it checks Amiqus's bearer tokens itself, not our API keys.</li>
 * <li>{@code /console/**} and {@code /}: the operator console, signed in through a form
 * with one of the same API keys (field {@code key}); then a session cookie (HttpOnly,
 * SameSite=Strict, Secure over TLS, path {@code /console}), CSRF tokens on every form,
 * {@code Cache-Control: no-store} and a strict Content-Security-Policy on every response.
 * An unauthenticated page redirects to the sign-in form; an unauthenticated {@code fetch}
 * of a live fragment gets a plain {@code 401}.</li>
 * <li>Everything else: stateless API-key authentication ({@code Authorization: Bearer},
 * keys from {@code receiver.api.keys}). Health probes and the OpenAPI description are
 * open; the query API, Prometheus and every other actuator endpoint need a key. No
 * sessions, no form login, no HTTP Basic; CSRF protection is off because nothing here
 * authenticates with cookies.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	private static final String CONSOLE = "/console";

	private static final String SIGN_IN = CONSOLE + "/sign-in";

	private static final String[] OPEN = { "/actuator/health", "/actuator/health/**", "/v3/api-docs", "/v3/api-docs/**",
			"/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**" };

	/**
	 * No Spring Security observations: with them every filter of every chain is wrapped
	 * and observed on each request, which on the webhook path cost more than verifying
	 * the signature. {@code http.server.requests} still times every request.
	 */
	@Bean
	SecurityObservationSettings noSecurityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	@Order(1)
	SecurityFilterChain webhookSecurity(HttpSecurity http) {
		return http.securityMatcher("/webhooks/**", "/emulator/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.securityContext(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.anonymous(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain consoleSecurity(HttpSecurity http, ApiKeys keys, MeterRegistry meters) {
		Cookie session = new Cookie("JSESSIONID", null);
		session.setPath(CONSOLE);
		session.setMaxAge(0);
		session.setHttpOnly(true);
		// After sign-in, back to the page that asked for it, without a ?continue marker.
		HttpSessionRequestCache requestCache = new HttpSessionRequestCache();
		requestCache.setMatchingRequestParameterName(null);
		// Only pages: not the live list's fetches, not form posts.
		requestCache.setRequestMatcher((request) -> "GET".equals(request.getMethod())
				&& !"XMLHttpRequest".equals(request.getHeader("X-Requested-With")));
		return http.securityMatcher("/", CONSOLE, CONSOLE + "/**")
			.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers("/", SIGN_IN, CONSOLE + "/assets/**")
				.permitAll()
				.anyRequest()
				.hasRole(ConsoleKeyAuthenticationProvider.ROLE))
			.authenticationManager(new ProviderManager(new ConsoleKeyAuthenticationProvider(keys, meters)))
			.formLogin((form) -> form.loginPage(SIGN_IN)
				.loginProcessingUrl(SIGN_IN)
				.passwordParameter("key")
				.defaultSuccessUrl(CONSOLE, false)
				.failureUrl(SIGN_IN + "?error"))
			.logout((logout) -> logout.logoutUrl(CONSOLE + "/sign-out")
				.logoutSuccessUrl(SIGN_IN + "?signed-out")
				.addLogoutHandler(new CookieClearingLogoutHandler(session)))
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint(new DelegatingAuthenticationEntryPoint(
						new LoginUrlAuthenticationEntryPoint(SIGN_IN),
						new RequestMatcherEntry<>(new RequestHeaderRequestMatcher("X-Requested-With", "XMLHttpRequest"),
								new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED))))
				.accessDeniedHandler(ConsoleAccessDenied::handle))
			.requestCache((cache) -> cache.requestCache(requestCache))
			.headers((headers) -> headers
				.contentSecurityPolicy((csp) -> csp.policyDirectives("default-src 'self'; script-src 'self'; "
						+ "style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
						+ "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
			.httpBasic(AbstractHttpConfigurer::disable)
			.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyAuthenticationProvider apiKeys,
			ProblemAuthenticationEntryPoint entryPoint) {
		return http.authorizeHttpRequests((requests) -> requests
			// Error pages rendered for an already-decided request, and the second
			// dispatch of an async request (a long poll's answer): both were
			// authorized on the request's first dispatch, and the API key is not
			// read again.
			.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
			.permitAll()
			.requestMatchers(OPEN)
			.permitAll()
			.anyRequest()
			.authenticated())
			.addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys), AnonymousAuthenticationFilter.class)
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
			.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.build();
	}

	@Bean
	ApiKeys apiKeys(ApiSecurityProperties properties) {
		ApiKeys keys = new ApiKeys(properties.keys());
		if (keys.isEmpty()) {
			log.warn("No API keys are configured (RECEIVER_API_KEYS): the query API refuses every request");
		}
		else {
			log.info("The query API accepts {} API key(s)", keys.size());
		}
		return keys;
	}

	@Bean
	ApiKeyAuthenticationProvider apiKeyAuthenticationProvider(ApiKeys keys) {
		return new ApiKeyAuthenticationProvider(keys);
	}

	@Bean
	ProblemAuthenticationEntryPoint problemAuthenticationEntryPoint(ObjectMapper json, ApiKeys keys) {
		return new ProblemAuthenticationEntryPoint(json, keys);
	}

}
