# Portcullis container image: built from Maven Central and Debian packages only.
#   docker build -t portcullis .
#   docker run -p 5000:5000 -v portcullis-data:/var/lib/portcullis portcullis
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/portcullis --shell /usr/sbin/nologin portcullis \
 && mkdir -p /var/lib/portcullis && chown portcullis:portcullis /var/lib/portcullis
COPY --from=build /src/target/portcullis.jar /opt/portcullis/portcullis.jar
USER portcullis
VOLUME /var/lib/portcullis
EXPOSE 5000
ENV PORTCULLIS_LISTEN=0.0.0.0:5000 PORTCULLIS_DATA_DIR=/var/lib/portcullis
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["java", "-jar", "/opt/portcullis/portcullis.jar", "probe", "http://127.0.0.1:5000/readyz"]
ENTRYPOINT ["java", "-XX:+UseZGC", "-jar", "/opt/portcullis/portcullis.jar"]
CMD ["serve"]
