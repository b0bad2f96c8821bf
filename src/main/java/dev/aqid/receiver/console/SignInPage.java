package dev.aqid.receiver.console;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in form: one field, {@code key}, one of {@code RECEIVER_API_KEYS}. Spring
 * Security checks the posted key (see the system module's console chain); this only shows
 * the form, with what happened last.
 */
@Controller
class SignInPage {

	@GetMapping("/console/sign-in")
	String signIn(@RequestParam(name = "error", required = false) @Nullable String error,
			@RequestParam(name = "signed-out", required = false) @Nullable String signedOut,
			@RequestParam(name = "expired", required = false) @Nullable String expired,
			@Nullable Authentication authentication, Model model) {
		if (authentication != null && authentication.isAuthenticated()
				&& !(authentication instanceof AnonymousAuthenticationToken)) {
			return "redirect:/console";
		}
		model.addAttribute("error", error != null);
		model.addAttribute("signedOut", signedOut != null);
		model.addAttribute("expired", expired != null);
		return "console/sign-in";
	}

}
