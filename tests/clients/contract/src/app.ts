// What an SPA does with the generated types: Apollo Client calls typed by the documents,
// fragments unmasked with the preset's helpers, results read with `strict` null checks.
// `tsc --strict --noEmit` over this file (and the generated code) is the contract: a schema
// change that breaks such code fails here.
import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { useFragment as readFragment, type FragmentType } from "../__generated__/codegen";
import {
  ApplicationStatusEvent_EventFragmentDoc,
  ApplicationStatusSubscriptionDocument,
  ApplicationsQueryDocument,
  Applications_ApplicationFragmentDoc,
  ArtifactCreatedSubscriptionDocument,
  CareerTreeQueryDocument,
  CareerTree_BulletFragmentDoc,
  CareerTree_ExperienceFragmentDoc,
  CreateApplicationMutationDocument,
  CreateArtifactMutationDocument,
  CreateBulletMutationDocument,
  CreateExperienceMutationDocument,
  CreateJobPostingMutationDocument,
  DeleteBulletMutationDocument,
  JobPostingsQueryDocument,
  JobPostings_PostingFragmentDoc,
  NodeRefetchManyQueryDocument,
  NodeRefetchQueryDocument,
  Pagination_PageInfoFragmentDoc,
  SignInMutationDocument,
  SkillCatalogQueryDocument,
  TransitionApplicationMutationDocument,
  UpdateBulletMutationDocument,
  UpdateProfileMutationDocument,
  ViewerProfileQueryDocument,
  ViewerProfile_ProfileFragmentDoc,
  type ApplicationStatus,
  type EmploymentType,
  type Importance,
} from "../__generated__/codegen/graphql";

export const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: new HttpLink({ uri: "/graphql" }),
});

export async function signIn(email: string, password: string): Promise<{ token: string; userId: string }> {
  const { data } = await client.mutate({ mutation: SignInMutationDocument, variables: { input: { email, password } } });
  if (!data) throw new Error("no data");
  return { token: data.signIn.accessToken, userId: data.signIn.user.id };
}

export function profileCard(profile: FragmentType<typeof ViewerProfile_ProfileFragmentDoc>): string {
  const p = readFragment(ViewerProfile_ProfileFragmentDoc, profile);
  const name: string = p.fullName ?? p.email ?? "(no name)";
  const mbti: string | undefined = p.mbti?.type;
  const roles: string[] = p.targetRoles;
  return [name, p.headline ?? "", mbti ?? "", roles.join(", "), String(p.yearsExperience ?? 0)].join(" · ");
}

export async function viewer(): Promise<string> {
  const { data } = await client.query({ query: ViewerProfileQueryDocument });
  if (!data) return "";
  const education = data.viewer.education.nodes.map((e) => `${e.institutionName} ${e.isCurrent ? "now" : (e.endDate ?? "")} ${e.gpa ?? ""}`);
  const strengths: number = data.viewer.strengths.totalCount;
  return `${data.viewer.id} ${data.viewer.email} ${profileCard(data.viewer.profile)} ${education.join()} ${strengths}`;
}

export function bulletLine(bullet: FragmentType<typeof CareerTree_BulletFragmentDoc>): string {
  const b = readFragment(CareerTree_BulletFragmentDoc, bullet);
  const importance: Importance | null = b.importance;
  const previous: string | undefined = b.versions[0]?.text;
  return `${b.id} ${b.text} ${importance ?? "-"} ${b.tags.join(",")} ${previous ?? ""} ${b.usageCount}`;
}

export async function careerTree(): Promise<string[]> {
  const { data } = await client.query({ query: CareerTreeQueryDocument, variables: { first: 20, current: null } });
  const review = data?.viewer.profile.technicalReview;
  if (!review) return [];
  const lines: string[] = [];
  const after: string | null = readFragment(Pagination_PageInfoFragmentDoc, review.experiences.pageInfo).endCursor;
  for (const edge of review.experiences.edges) {
    const e = readFragment(CareerTree_ExperienceFragmentDoc, edge.node);
    const kind: EmploymentType = e.employmentType;
    const until: string = e.endDate ?? "now";
    lines.push(`${e.jobTitle} at ${e.companyName} (${kind}) ${e.startDate}–${until}`);
    for (const b of e.bullets.edges) lines.push(bulletLine(b.node));
    for (const g of e.engagements.nodes) {
      lines.push(`${g.client ?? "internal"} ${g.techTags.join()}`);
      for (const b of g.bullets.nodes) lines.push(bulletLine(b));
    }
    for (const p of e.projects.nodes) lines.push(`${p.name} ${p.techStack.nodes.map((s) => s.name).join()}`);
    for (const s of e.starStories.nodes) lines.push(`${s.title ?? s.situation} ${s.tags.join()}`);
    for (const s of e.skills.edges) lines.push(`${s.node.skill.name} ${s.node.prominence}`);
  }
  for (const m of review.skillMatrix) lines.push(`${m.skill.name} ${m.monthsUsed} ${m.lastUsed ?? ""} ${m.currentlyUsed}`);
  return after ? [...lines, after] : lines;
}

export async function jobBoard(remote: boolean): Promise<string[]> {
  const { data } = await client.query({ query: JobPostingsQueryDocument, variables: { filter: { remote } } });
  return (data?.viewer.jobPostings.edges ?? []).map((edge) => {
    const j = readFragment(JobPostings_PostingFragmentDoc, edge.node);
    const salary = j.salaryMin !== null && j.salaryMax !== null ? `${j.salaryMin}–${j.salaryMax} ${j.salaryCurrency ?? ""}` : "";
    const missing = j.skillGap.missing.map((m) => `${m.skill.name}:${m.importance}`).join();
    const best = j.matches.edges[0]?.node;
    const matched: number = best ? best.score * best.recency : 0;
    const status: ApplicationStatus | undefined = j.application?.status;
    return `${j.jobTitle} ${salary} ${j.skillGap.fitScore} ${missing} ${matched} ${status ?? "not applied"} ${j.url ?? ""}`;
  });
}

export async function pipeline(status: ApplicationStatus | null): Promise<string[]> {
  const { data } = await client.query({ query: ApplicationsQueryDocument, variables: { status } });
  return (data?.viewer.applications.edges ?? []).map(({ node }) => {
    const a = readFragment(Applications_ApplicationFragmentDoc, node);
    const history = readFragment(ApplicationStatusEvent_EventFragmentDoc, a.history)
      .map((h) => `${h.fromStatus ?? "∅"}→${h.toStatus}@${h.cursor}`)
      .join(" ");
    const cv = a.latestCv ? `${a.latestCv.pdfUrl} v${a.latestCv.version} ${a.latestCv.missingGlyphs.length}` : "no CV";
    const next: ApplicationStatus[] = a.allowedTransitions;
    const kinds = a.artifacts.map((x) => `${x.kind}${x.version}`).join();
    return `${a.jobPosting.jobTitle} ${a.status} ${a.fitScore} ${a.appliedAt ?? ""} ${history} ${cv} ${next.join()} ${kinds}`;
  });
}

export async function detail(id: string): Promise<string> {
  const { data } = await client.query({ query: NodeRefetchQueryDocument, variables: { id } });
  const node = data?.node;
  if (!node) return "not found";
  switch (node.__typename) {
    case "Application":
      return `${node.status} ${node.jobPosting.jobTitle} ${node.history.length}`;
    case "JobPosting":
      return `${node.jobTitle} ${node.skillGap.fitScore}`;
    case "Experience":
      return `${node.jobTitle} ${node.startDate}`;
    case "CvArtifact":
    case "CoverLetterArtifact":
      return `${node.kind} v${node.version}`;
    default:
      return node.id;
  }
}

export async function several(ids: string[]): Promise<string[]> {
  const { data } = await client.query({ query: NodeRefetchManyQueryDocument, variables: { ids } });
  return (data?.nodes ?? []).map((n) => {
    if (!n) return "gone";
    if (n.__typename === "Bullet") return `${n.text} ${n.versions.length}`;
    if (n.__typename === "Skill") return `${n.name} ${n.category}`;
    return n.id;
  });
}

export async function skillPicker(search: string): Promise<string[]> {
  const { data } = await client.query({ query: SkillCatalogQueryDocument, variables: { search, category: "LANGUAGE" } });
  if (!data) return [];
  const mine = new Set(data.viewer.skills.edges.map((e) => e.node.skill.id));
  return data.skills.nodes.map((s) => `${s.name}${mine.has(s.id) ? " ✓" : ""} ${s.aliases.join()}`);
}

export async function edits(experienceId: string, jobPostingId: string): Promise<void> {
  await client.mutate({
    mutation: UpdateProfileMutationDocument,
    variables: { input: { fullName: "Ada Lovelace", headline: null, targetRoles: ["Staff Engineer"] } },
  });
  const created = await client.mutate({
    mutation: CreateExperienceMutationDocument,
    variables: {
      input: { companyName: "Analytical Engines", jobTitle: "Engineer", employmentType: "FULL_TIME", startDate: "2020-01-01" },
    },
  });
  const experience = created.data ? readFragment(CareerTree_ExperienceFragmentDoc, created.data.createExperience.experience) : null;
  const bullet = await client.mutate({
    mutation: CreateBulletMutationDocument,
    variables: { input: { experienceId: experience?.id ?? experienceId, text: "Cut costs by a third", importance: "HIGH", tags: [] } },
  });
  const bulletId = bullet.data ? readFragment(CareerTree_BulletFragmentDoc, bullet.data.createBullet.bullet).id : "";
  await client.mutate({ mutation: UpdateBulletMutationDocument, variables: { input: { id: bulletId, text: "Cut costs by 34%" } } });
  const deleted = await client.mutate({ mutation: DeleteBulletMutationDocument, variables: { input: { id: bulletId } } });
  const deletedId: string | undefined = deleted.data?.deleteBullet.deletedId;
  const cacheId = deletedId ? client.cache.identify({ __typename: "Bullet", id: deletedId }) : undefined;
  if (cacheId) client.cache.evict({ id: cacheId });

  const posting = await client.mutate({
    mutation: CreateJobPostingMutationDocument,
    variables: { input: { companyName: "Initech", jobTitle: "Staff Engineer", description: "Rust, PostgreSQL", remoteOk: true } },
  });
  const postingId = posting.data ? readFragment(JobPostings_PostingFragmentDoc, posting.data.createJobPosting.jobPosting).id : jobPostingId;
  const application = await client.mutate({ mutation: CreateApplicationMutationDocument, variables: { input: { jobPostingId: postingId } } });
  const applicationId = application.data?.createApplication.application.jobPosting.application?.id ?? "";
  const moved = await client.mutate({
    mutation: TransitionApplicationMutationDocument,
    variables: { input: { id: applicationId, to: "SUBMITTED", note: "sent" } },
  });
  const event = moved.data ? readFragment(ApplicationStatusEvent_EventFragmentDoc, moved.data.transitionApplication.event) : null;
  const to: ApplicationStatus | undefined = event?.toStatus;
  const artifact = await client.mutate({
    mutation: CreateArtifactMutationDocument,
    variables: { input: { applicationId, kind: "CV", content: `# Ada (${to ?? "?"})` } },
  });
  const made = artifact.data?.createArtifact.artifact;
  if (made?.__typename === "CvArtifact") {
    const latest: string | undefined = made.application.latestCv?.id;
    if (latest !== made.id) throw new Error("the new CV is the latest");
  }
}

export function live(applicationId: string | null, after: string | null): () => void {
  const statuses = client
    .subscribe({ query: ApplicationStatusSubscriptionDocument, variables: { applicationId, after } })
    .subscribe(({ data }) => {
      if (!data) return;
      const event = readFragment(ApplicationStatusEvent_EventFragmentDoc, data.applicationStatusChanged);
      console.log(event.applicationId, event.toStatus, event.cursor, event.note ?? "");
    });
  const artifacts = client
    .subscribe({ query: ArtifactCreatedSubscriptionDocument, variables: { applicationId } })
    .subscribe(({ data }) => {
      if (data) console.log(data.artifactCreated.kind, data.artifactCreated.version, data.artifactCreated.wordCount);
    });
  return () => {
    statuses.unsubscribe();
    artifacts.unsubscribe();
  };
}
