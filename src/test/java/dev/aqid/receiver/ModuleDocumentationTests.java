package dev.aqid.receiver;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Writes the module diagrams to {@code docs/modules}: a C4 component diagram of all
 * modules, one diagram per module and each module's canvas (its public API, beans, events
 * and properties), all in PlantUML or AsciiDoc. The output is committed, so a change to a
 * module's shape shows up in review as a change to these files.
 */
class ModuleDocumentationTests {

	@Test
	void writesModuleDiagramsAndCanvases() {
		ApplicationModules modules = ApplicationModules.of(ReceiverApplication.class);
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder("docs/modules")).writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
	}

}
