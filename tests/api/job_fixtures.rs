//! Realistic job descriptions and the exact skills (with importance) extraction must find.

pub struct Fixture {
    pub title: &'static str,
    pub description: &'static str,
    pub nice_to_haves: Option<&'static str>,
    pub must: &'static [&'static str],
    pub nice: &'static [&'static str],
}

pub const FIXTURES: &[Fixture] = &[
    Fixture {
        title: "Senior Backend Engineer (Rust)",
        description: "About us
We build payment infrastructure for small businesses. Go beyond the obvious with us.

What you'll do:
- Design and build services in Rust on top of PostgreSQL and Redis.
- Own REST APIs and gRPC interfaces used by our mobile apps.
- Run everything on Kubernetes in AWS.

Requirements:
- 5+ years of backend experience, including Rust or C++.
- Deep knowledge of distributed systems and SQL.

Nice to have:
- Experience with Kafka.
- Terraform.",
        nice_to_haves: None,
        must: &["Rust", "PostgreSQL", "Redis", "REST APIs", "gRPC", "Kubernetes", "AWS", "C++", "Distributed Systems", "SQL"],
        nice: &["Apache Kafka", "Terraform"],
    },
    Fixture {
        title: "Data Engineer",
        description: "You will build batch and streaming pipelines with Apache Spark, Airflow and dbt on Snowflake.
Strong Python and SQL are required; experience with data modeling and ETL is essential.
You will work closely with analysts to improve data quality.

Preferred:
- Familiarity with Databricks
- Experience with Scala",
        nice_to_haves: None,
        must: &["Apache Spark", "Airflow", "dbt", "Snowflake", "Python", "SQL", "Data Modeling", "ETL"],
        nice: &["Databricks", "Scala"],
    },
    Fixture {
        title: "Frontend Engineer",
        description: "We are looking for a frontend engineer to craft our web app in React and TypeScript.
You care about accessibility, responsive design and performance.
Our stack: Next.js, Tailwind CSS, GraphQL (Apollo Client), Jest and Cypress for tests.
You'll collaborate with designers in Figma.",
        nice_to_haves: Some("Experience with Storybook or Vite."),
        // "Tailwind CSS" names CSS as a whole term too.
        must: &["React", "TypeScript", "Web Accessibility", "Responsive Design", "Next.js", "Tailwind CSS", "CSS", "GraphQL", "Apollo Client", "Jest", "Cypress", "Figma"],
        nice: &["Storybook", "Vite"],
    },
    Fixture {
        title: "Site Reliability Engineer",
        description: "Keep our platform fast and available. You will automate infrastructure with Terraform and Ansible,
manage Kubernetes clusters with Helm, and improve observability using Prometheus and Grafana.
Participate in the on-call rotation and lead incident management.
Scripting in Bash and Go is part of the job.

Bonus: experience with Istio or Linkerd.",
        nice_to_haves: None,
        must: &["Terraform", "Ansible", "Kubernetes", "Helm", "Observability", "Prometheus", "Grafana", "Incident Management", "Bash", "Go"],
        nice: &["Istio", "Linkerd"],
    },
    Fixture {
        title: "Machine Learning Engineer",
        description: "Join our applied machine learning team to train and ship models for natural language processing.
You will use PyTorch and Hugging Face Transformers, track experiments with MLflow, and deploy on Google Cloud.
We expect solid statistics and experience with large language models (LLMs) and retrieval-augmented generation.",
        nice_to_haves: Some("- Kubeflow or Ray\n- Publications in deep learning"),
        must: &["Machine Learning", "Natural Language Processing", "PyTorch", "Hugging Face", "Hugging Face Transformers", "MLflow", "Google Cloud", "Statistics", "Large Language Models", "Retrieval-Augmented Generation"],
        nice: &["Deep Learning"],
    },
    Fixture {
        title: "Engineering Manager",
        description: "Lead a team of eight engineers building our checkout. You will own hiring, mentoring and career growth,
partner with product management on roadmaps, and run agile rituals (Scrum).
Excellent communication and stakeholder management are a must.
A technical background in Java or Kotlin is expected, as is experience with microservices.",
        nice_to_haves: None,
        must: &["Mentoring", "Product Management", "Agile", "Scrum", "Communication", "Stakeholder Management", "Java", "Kotlin", "Microservices"],
        nice: &[],
    },
    Fixture {
        title: "iOS Engineer",
        description: "Build our iOS app in Swift and SwiftUI. You know Xcode, work with REST APIs and ship through CI/CD.
Swift delivery matters to us: we release every week.

Pluses:
- Kotlin Multiplatform or Flutter
- Firebase",
        nice_to_haves: None,
        must: &["iOS", "Swift", "SwiftUI", "REST APIs", "CI/CD"],
        nice: &["Kotlin", "Flutter", "Firebase"],
    },
    Fixture {
        title: "Data Scientist",
        description: "Analyze product data to drive decisions. You will run A/B testing, build forecasting models and
communicate results with data visualization in Tableau.
Tools: Python (Pandas, scikit-learn), R, SQL on BigQuery.
Our R&D group values curiosity. We raised our Series C funding last year.",
        nice_to_haves: None,
        must: &["A/B Testing", "Time Series Analysis", "Data Visualization", "Tableau", "Python", "Pandas", "scikit-learn", "R", "SQL", "BigQuery"],
        nice: &[],
    },
    Fixture {
        title: "Application Security Engineer",
        description: "Help our engineers ship secure software. You will run penetration testing, threat-model new features,
and review code for OWASP issues in Java and JavaScript services.
Experience with OAuth / OpenID Connect, cryptography and cloud security on Azure is required.",
        nice_to_haves: Some("Burp Suite, Snyk, or SonarQube experience."),
        // "review code" is not "code review": phrases match as written.
        must: &["Penetration Testing", "Java", "JavaScript", "OAuth", "Cryptography", "Microsoft Azure"],
        nice: &["Burp Suite", "Snyk", "SonarQube"],
    },
    Fixture {
        title: "Full-Stack Developer",
        description: "Build features end to end: Node.js and Express on the backend, Vue.js on the frontend, MongoDB and
Elasticsearch for storage and search. We deploy with Docker on Heroku.
Unit testing and code review are part of the job.",
        nice_to_haves: Some("Nice to have: GraphQL, Redis."),
        must: &["Node.js", "Express", "Vue.js", "MongoDB", "Elasticsearch", "Docker", "Heroku", "Unit Testing", "Code Review"],
        nice: &["GraphQL", "Redis"],
    },
    Fixture {
        title: "Embedded Software Engineer",
        description: "Write firmware for our sensors in C, C++ on ARM microcontrollers running an RTOS.
You are comfortable with embedded systems, signal processing and debugging hardware with an oscilloscope.
Python for test tooling. Experience with Linux device drivers is required.",
        nice_to_haves: Some("Rust on embedded targets."),
        must: &["C", "C++", "Embedded Systems", "Signal Processing", "Python", "Linux"],
        nice: &["Rust"],
    },
    Fixture {
        title: "QA Automation Engineer",
        description: "Own test automation for our web and mobile apps. You write end-to-end tests with Playwright and
Selenium, API tests with Postman, and keep our pipelines green in GitHub Actions.
Strong JavaScript or TypeScript, and a passion for quality assurance.

Preferred qualifications:
- Experience with Appium
- Performance testing with k6
- Java",
        nice_to_haves: None,
        must: &["Test Automation", "Playwright", "Selenium", "Postman", "GitHub", "GitHub Actions", "JavaScript", "TypeScript", "Quality Assurance"],
        nice: &["Java"],
    },
];
