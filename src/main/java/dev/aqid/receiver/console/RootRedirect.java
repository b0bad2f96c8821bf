package dev.aqid.receiver.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /}: a newcomer who opens the service in a browser lands in the console (signed
 * out: on its sign-in form), not on a {@code 401} problem.
 */
@Controller
class RootRedirect {

	@GetMapping("/")
	String root() {
		return "redirect:/console";
	}

}
