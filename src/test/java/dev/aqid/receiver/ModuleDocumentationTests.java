package dev.aqid.receiver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Writes the module diagrams to {@code docs/modules}: a C4 component diagram of all
 * modules, one diagram per module and each module's canvas (its public API, beans, events
 * and properties), in PlantUML and AsciiDoc. The output is committed, so a change to a
 * module's shape shows up in review as a change to these files.
 */
class ModuleDocumentationTests {

	private static final String OUTPUT = "docs/modules";

	@Test
	void writesModuleDiagramsAndCanvases() throws IOException {
		ApplicationModules modules = ApplicationModules.of(ReceiverApplication.class);
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder(OUTPUT)).writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
		sortRelationships();
	}

	/**
	 * The Documenter writes a diagram's relationships in no fixed order; sorted, the
	 * committed files change only when the modules do.
	 */
	private static void sortRelationships() throws IOException {
		try (Stream<Path> files = Files.list(Path.of(OUTPUT))) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".puml")).toList()) {
				List<String> sorted = new ArrayList<>();
				List<String> block = new ArrayList<>();
				for (String line : Files.readAllLines(file)) {
					if (line.startsWith("Rel(")) {
						block.add(line);
						continue;
					}
					block.sort(null);
					sorted.addAll(block);
					block.clear();
					sorted.add(line);
				}
				block.sort(null);
				sorted.addAll(block);
				Files.write(file, sorted);
			}
		}
	}

}
