# syntax=docker/dockerfile:1
# The Amiqus webhook receiver. Build: docker build -t amiqus-webhook-receiver .
# It needs a PostgreSQL (SPRING_DATASOURCE_URL); the image carries no embedded one.

FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the build files change.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -Dcontainer -DskipTests dependency:go-offline
COPY src src
COPY db db
RUN ./mvnw -Dcontainer -DskipTests package \
 && cp target/amiqus-webhook-receiver-*.jar application.jar \
 && java -Djarmode=tools -jar application.jar extract --layers --destination extracted

FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 receiver \
 && useradd --system --uid 10001 --gid receiver --no-create-home receiver
WORKDIR /app
# One layer per Spring Boot layer: a code change rebuilds only the last, small one.
COPY --from=build /src/extracted/dependencies/ ./
COPY --from=build /src/extracted/spring-boot-loader/ ./
COPY --from=build /src/extracted/snapshot-dependencies/ ./
COPY --from=build /src/extracted/application/ ./
# README "Memory": the serial collector (2 cores or fewer is its home ground; no concurrent
# threads, no remembered sets) and a heap that grows only as far as the live data needs, up to
# half the container's memory limit; fail fast rather than limp on when out of memory. Set
# before the training run so that it runs with the same options as the service.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms32m -XX:MaxRAMPercentage=50 -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:+ExitOnOutOfMemoryError"
# Class data sharing (README "Start-up"): a training run refreshes the context once and
# archives every class it loaded; each start then maps them instead of loading them from the
# jars. It runs here, in the final image, because the archive only fits the JVM that wrote
# it. The image has no database: the profile cds-training lets the context refresh without
# one, and spring.context.exit=onRefresh ends the run before anything starts.
RUN java -XX:ArchiveClassesAtExit=application.jsa -Dspring.context.exit=onRefresh \
        -Dspring.profiles.active=cds-training -Dlogging.level.root=warn -jar application.jar
USER 10001:10001
EXPOSE 8080
# Liveness without curl (not in the JRE image): a plain HTTP request over bash's /dev/tcp.
# Orchestrators should use /actuator/health/liveness and /actuator/health/readiness.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf "GET /actuator/health/liveness HTTP/1.0\r\n\r\n" >&3 && grep -q "\"UP\"" <&3'
ENTRYPOINT ["java", "-XX:SharedArchiveFile=application.jsa", "-jar", "application.jar"]
