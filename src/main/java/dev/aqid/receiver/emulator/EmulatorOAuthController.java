package dev.aqid.receiver.emulator;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /emulator/oauth/token}: Amiqus's token endpoint
 * ({@code https://id.amiqus.co/oauth/token}, beside {@code /api/v2}) as
 * {@link EmulatedOAuth} answers it, form-encoded {@code grant_type=refresh_token},
 * {@code refresh_token}, {@code client_id}, {@code client_secret}. Outside the API
 * filter: it needs no bearer token, and is neither rate-limited nor failed by
 * {@link AmiqusEmulator#failNext}.
 */
@RestController
@ConditionalOnBooleanProperty(EmulatorConfiguration.ENABLED)
class EmulatorOAuthController {

	private final EmulatorState state;

	EmulatorOAuthController(EmulatorState state) {
		this.state = state;
	}

	@PostMapping(path = AmiqusAnswers.OAUTH_TOKEN_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<byte[]> token(@RequestParam(name = "grant_type", required = false) String grantType,
			@RequestParam(name = "refresh_token", required = false) String refreshToken,
			@RequestParam(name = "client_id", required = false) String clientId,
			@RequestParam(name = "client_secret", required = false) String clientSecret) throws InterruptedException {
		EmulatedOAuth oauth = this.state.oauth();
		if (!oauth.admit()) {
			// Dropped while held: as if the request never reached the server.
			return AmiqusAnswers.json(503, AmiqusAnswers.message("Service Unavailable"));
		}
		EmulatedOAuth.Answer answer = oauth.token(grantType, refreshToken, clientId, clientSecret);
		return AmiqusAnswers.json(answer.status(), answer.body());
	}

}
